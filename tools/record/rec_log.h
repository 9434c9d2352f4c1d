/*
 * rec_log.h - senseplane-record's lines on stderr: one per event, each
 * naming the program.
 */
#ifndef REC_LOG_H
#define REC_LOG_H

/** Print "senseplane-record: " and the formatted line to stderr. */
void rec_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* REC_LOG_H */
