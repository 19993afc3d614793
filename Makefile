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

# make installcheck: the pg_regress suite (test/sql, expected output in
# expected/, which test/expected links to) against the running server that
# PGHOST, PGPORT and PGUSER name, where chronos is installed; as pgvector.
# test/run.sh runs it too, with the pgTAP and shell suites, each file in a
# database of its own; here they share one, so extension_lifecycle, which
# counts every row, goes first.
# The rag_* files are chronos_rag's (rag/Makefile runs them: they need pgvector).
REGRESS      = extension_lifecycle \
               $(filter-out extension_lifecycle rag_%,$(sort $(basename $(notdir $(wildcard test/sql/*.sql)))))
REGRESS_OPTS = --inputdir=test --load-extension=chronos

PG_CONFIG  ?= pg_config
PGXS       := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# The objects are rebuilt when a header of src/ changes, and when PG_CONFIG
# names another PostgreSQL than the one they were built for: test runs on
# several major versions (PG=17 bash test/run.sh) share this tree.
PG_BUILT_FOR := .pg_built_for
PG_BUILDING_FOR := $(shell $(PG_CONFIG) --version) $(includedir_server)
ifneq ($(PG_BUILDING_FOR),$(shell cat $(PG_BUILT_FOR) 2>/dev/null))
$(shell echo '$(PG_BUILDING_FOR)' >$(PG_BUILT_FOR))
endif
$(OBJS) $(OBJS:.o=.bc): $(PG_BUILT_FOR) $(wildcard src/*.h)

.PHONY: demo check-all bench docs
demo:
	bash demo/run.sh
# docs/reference.md from the catalog of a fresh CREATE EXTENSION chronos
# (test/reference.sh; test/shell/reference.sh fails when it is stale)
docs:
	bash test/reference.sh
check-all:
	bash test/run.sh
bench:
	bash bench/run.sh

# Memory and undefined-behaviour checks: the whole suite, fuzzer included,
# against chronos built with AddressSanitizer and UndefinedBehaviorSanitizer
# (test/sanitize.sh; docs/testing.md, "Fuzzing and memory checks").  Not run by CI.
.PHONY: sanitize-check
sanitize-check:
	bash test/sanitize.sh
