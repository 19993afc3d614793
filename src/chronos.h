/*
 * chronos.h
 *		Settings shared by the files of the chronos extension.
 */
#ifndef CHRONOS_H
#define CHRONOS_H

extern int	chronos_completion_threshold;
extern double chronos_max_playback_rate;
extern int	chronos_session_timeout;
extern char *chronos_creator_id_setting;
extern char *chronos_student_id_setting;
extern int	chronos_max_event_clock_skew;
extern int	chronos_max_event_metadata_bytes;

#endif							/* CHRONOS_H */
