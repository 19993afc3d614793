/*
 * catalog.h
 *		Where chronos's own objects are: the schema's owner.
 */
#ifndef CHRONOS_CATALOG_H
#define CHRONOS_CATALOG_H

/* The role that owns schema chronos and its tables (the extension's owner). */
extern Oid	ChronosOwnerId(void);

#endif							/* CHRONOS_CATALOG_H */
