/* embed: the default config and form that make compiles into the
 * programs (build/gen/embedded.c, from config/ and forms/). */
#ifndef AVSLUT_EMBED_H
#define AVSLUT_EMBED_H

#include <stddef.h>

/* Each array is the file's bytes followed by one NUL (not counted in
 * _len), so it can be used as a C string too. */
extern const unsigned char embed_config_avslut_yaml[];
extern const size_t embed_config_avslut_yaml_len;
extern const unsigned char embed_forms_exit_interview_yaml[];
extern const size_t embed_forms_exit_interview_yaml_len;

#endif
