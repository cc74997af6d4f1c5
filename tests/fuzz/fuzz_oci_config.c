/* tests/fuzz/fuzz_oci_config.c - libFuzzer target: config.json text through
 * oci_config_parse (runtime/oci_config.c, with linux.seccomp through runtime/oci_seccomp.c).
 * Any input must give 0 or an error message, never a crash or a leak. Seeds:
 * tests/fuzz/oci_config/. */
#include "runtime/oci_config.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	struct oci_config cfg;
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	memset(&cfg, 0, sizeof(cfg));
	if (oci_config_parse(text, "/nonexistent-bundle", &cfg, err, sizeof(err)) == 0)
		oci_config_free(&cfg);
	free(text);
	return 0;
}
