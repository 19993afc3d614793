# chronos: PGXS build.  make && make install; the README lists the other targets.

EXTENSION   = chronos
MODULE_big  = chronos
OBJS        = $(patsubst %.c,%.o,$(wildcard src/*.c))
DATA        = $(wildcard sql/chronos--*.sql)
PGFILEDESC  = "chronos - video-learning platform database layer"

# Warnings are bugs.  -Wno-unused-parameter and -Wno-missing-field-initializers
# silence only what PostgreSQL's own headers raise under -Wextra (as pg_cron).
PG_CPPFLAGS = -Isrc
PG_CFLAGS   = -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers

PG_CONFIG  ?= pg_config
PGXS       := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

.PHONY: demo check-all bench
demo:
	bash demo/run.sh
check-all:
	bash test/run.sh
bench:
	bash bench/run.sh
