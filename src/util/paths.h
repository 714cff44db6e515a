/* paths: where each program keeps its files (XDG base directories, or
 * everything under $AVSLUT_HOME for tests and the demo). */
#ifndef AVSLUT_PATHS_H
#define AVSLUT_PATHS_H

/* prog is "avslut" or "avslut-hr". Results are newly allocated; caller
 * frees. With AVSLUT_HOME=H: H/config/PROG and H/data/PROG. Otherwise
 * $XDG_CONFIG_HOME/PROG (default ~/.config/PROG) and $XDG_DATA_HOME/PROG
 * (default ~/.local/share/PROG). Relative XDG values are ignored, as the
 * XDG specification requires. */
char *paths_config_dir(const char *prog);
char *paths_data_dir(const char *prog);
/* dir "/" name, newly allocated. */
char *paths_join(const char *dir, const char *name);

#endif
