/* Command lines and environments: NUL-separated arguments; arguments of the
 * form ENV:NAME=VALUE go to the environment instead. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "incrocio/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char env_names[8][64], env_values[8][256];
static int n_env;

static const char *fake_getenv(const char *name)
{
    for (int i = 0; i < n_env; i++)
        if (strcmp(env_names[i], name) == 0)
            return env_values[i];
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char buf[2048], *argv[32], err[256];
    int argc = 0;
    struct incrocio_config cfg;
    size_t i = 0;

    if (size >= sizeof buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    n_env = 0;
    argv[argc++] = "serve";
    while (i < size && argc < 31) {
        char *arg = buf + i;
        size_t len = strlen(arg);
        char *eq;

        if (strncmp(arg, "ENV:", 4) == 0 && (eq = strchr(arg, '=')) != NULL && n_env < 8 &&
            (size_t)(eq - arg - 4) < sizeof env_names[0] && strlen(eq + 1) < sizeof env_values[0]) {
            memcpy(env_names[n_env], arg + 4, (size_t)(eq - arg - 4));
            env_names[n_env][eq - arg - 4] = '\0';
            strcpy(env_values[n_env++], eq + 1);
        } else {
            argv[argc++] = arg;
        }
        i += len + 1;
    }
    argv[argc] = NULL;
    if (incrocio_config_parse(&cfg, argc, argv, fake_getenv, err, sizeof err) == INCROCIO_OK) {
        if (cfg.port < 1 || cfg.port > 65535 || cfg.pool_size < 1 || cfg.http_threads < 1 ||
            cfg.body_limit < 1024)
            abort();
    } else if (err[0] == '\0' || strchr(err, '\n') != NULL) {
        abort(); /* a refusal always says why, in one line */
    }
    return 0;
}
