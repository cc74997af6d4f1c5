/* tests/unit/runtime/test_oci_config.c - the config.json parser (runtime/oci_config.c):
 * good configs give the fields; malformed ones give one line naming the field. The
 * runtime's objects are not in libcore.a, so the parser is compiled in here, with its
 * allocations (and jansson's) routed through cmocka's, which fails a test that leaks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static char *tracked_strdup(const char *s, const char *file, int line)
{
	size_t n = strlen(s) + 1;
	char *d = _test_malloc(n, file, line);
	return d ? memcpy(d, s, n) : NULL;
}

static int tracked_asprintf(const char *file, int line, char **out, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int tracked_asprintf(const char *file, int line, char **out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	*out = n < 0 ? NULL : _test_malloc((size_t)n + 1, file, line);
	if (!*out)
		return -1;
	va_start(ap, fmt);
	vsnprintf(*out, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return n;
}

static void *json_tracked_malloc(size_t n)
{
	return _test_malloc(n, "jansson", 0);
}

static void json_tracked_free(void *p)
{
	if (p)
		_test_free(p, "jansson", 0);
}

#define malloc(n) test_malloc(n)
#define calloc(n, m) test_calloc(n, m)
#define realloc(p, n) test_realloc(p, n)
#define free(p) test_free(p)
#undef strdup
#define strdup(s) tracked_strdup(s, __FILE__, __LINE__)
#define asprintf(out, ...) tracked_asprintf(__FILE__, __LINE__, out, __VA_ARGS__)
#include "runtime/oci_config.c"
#include "runtime/oci_seccomp.c"

static const char good[] =
	"{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
	"\"process\":{\"terminal\":false,\"args\":[\"sh\",\"-c\",\"echo hi\"],"
	"\"env\":[\"PATH=/bin\",\"A=b\"],\"cwd\":\"/tmp\","
	"\"user\":{\"uid\":1000,\"gid\":100,\"additionalGids\":[5,6]},"
	"\"capabilities\":{\"bounding\":[\"CAP_KILL\",\"CAP_NET_RAW\",\"CAP_NO_SUCH\"],"
	"\"effective\":[\"CAP_KILL\"]},"
	"\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1024,\"hard\":4096}],"
	"\"noNewPrivileges\":true},"
	"\"hostname\":\"box\","
	"\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
	"{\"destination\":\"/data\",\"source\":\"/srv\",\"options\":[\"rbind\",\"ro\"]},"
	"{\"destination\":\"/run\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}],"
	"\"annotations\":{\"k\":\"v\"},"
	"\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\",\"path\":"
	"\"/var/run/netns/x\"}],\"resources\":{\"memory\":{\"limit\":1048576}},"
	"\"cgroupsPath\":\"/docker/abc\"}}";

static void test_good_config(void **state)
{
	struct oci_config c;
	char err[256] = "";
	assert_int_equal(oci_config_parse(good, "/b", &c, err, sizeof(err)), 0);
	assert_string_equal(c.root_path, "/b/rootfs");
	assert_true(c.root_readonly);
	assert_string_equal(c.process.args[0], "sh");
	assert_string_equal(c.process.args[2], "echo hi");
	assert_null(c.process.args[3]);
	assert_string_equal(c.process.env[1], "A=b");
	assert_string_equal(c.process.cwd, "/tmp");
	assert_int_equal(c.process.uid, 1000);
	assert_int_equal(c.process.gid, 100);
	assert_int_equal(c.process.n_additional_gids, 2);
	assert_int_equal(c.process.additional_gids[1], 6);
	assert_true(c.process.caps.present);
	assert_int_equal(c.process.caps.bounding, (1ULL << 5) | (1ULL << 13));
	assert_int_equal(c.process.caps.effective, 1ULL << 5);
	assert_int_equal(c.process.n_rlimits, 1);
	assert_int_equal(c.process.rlimits[0].resource, RLIMIT_NOFILE);
	assert_int_equal(c.process.rlimits[0].hard, 4096);
	assert_true(c.process.no_new_privileges);
	assert_string_equal(c.hostname, "box");
	assert_int_equal(c.n_mounts, 3);
	assert_true(c.mounts[1].bind);
	assert_true(c.mounts[1].readonly);
	assert_string_equal(c.mounts[1].type, "bind");
	assert_string_equal(c.mounts[2].type, "tmpfs");
	assert_string_equal(oci_config_annotation(&c, "k"), "v");
	assert_null(oci_config_annotation(&c, "nope"));
	assert_int_equal(c.n_namespaces, 2);
	assert_string_equal(c.namespaces[1].path, "/var/run/netns/x");
	assert_string_equal(c.cgroups_path, "/docker/abc");
	assert_non_null(strstr(c.resources_json, "1048576"));
	oci_config_free(&c);
}

static void test_minimal_defaults(void **state)
{
	struct oci_config c;
	char err[256];
	assert_int_equal(oci_config_parse("{\"root\":{\"path\":\"/abs\"},\"process\":{\"args\":"
					  "[\"true\"]}}",
					  "/b", &c, err, sizeof(err)),
			 0);
	assert_string_equal(c.root_path, "/abs");
	assert_string_equal(c.process.cwd, "/");
	assert_null(c.process.env[0]);
	assert_false(c.process.caps.present);
	assert_int_equal(c.n_mounts, 0);
	oci_config_free(&c);
}

static const struct {
	const char *json, *msg;
} bad[] = {
	{"{", "line 1 column 1: "},
	{"[]", "expected a JSON object at the top level"},
	{"{\"process\":{\"args\":[\"a\"]}}", "root: missing"},
	{"{\"root\":{\"path\":\"r\"}}", "process: missing"},
	{"{\"root\":{\"path\":5},\"process\":{\"args\":[\"a\"]}}", "root.path: expected a string"},
	{"{\"root\":{\"path\":\"r\"},\"process\":{\"args\":\"sh\"}}",
	 "process.args: expected an array of strings"},
	{"{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"sh\",1]}}",
	 "process.args: expected an array of strings"},
	{"{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[]}}", "process.args: must not be empty"},
	{"{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"],\"env\":{}}}",
	 "process.env: expected an array of strings"},
	{"{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"],\"cwd\":\"rel\"}}",
	 "process.cwd: must be an absolute path"},
	{"{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"],\"user\":{\"uid\":-1}}}",
	 "process.user.uid: expected an unsigned 32-bit integer"},
	{"{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"],\"terminal\":\"yes\"}}",
	 "process.terminal: expected true or false"},
	{"{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"],\"rlimits\":[{\"type\":"
	 "\"RLIMIT_BOGUS\",\"soft\":1,\"hard\":1}]}}",
	 "process.rlimits[0].type: expected an RLIMIT_* name"},
	{"{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"],\"capabilities\":{\"bounding\":"
	 "\"CAP_KILL\"}}}",
	 "process.capabilities.bounding: expected an array of strings"},
	{"{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"]},\"mounts\":{}}",
	 "mounts: expected an array"},
	{"{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"]},\"mounts\":[{\"destination\":"
	 "\"rel\"}]}",
	 "mounts[0].destination: expected an absolute path"},
	{"{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"]},\"mounts\":[{\"destination\":"
	 "\"/x\",\"type\":\"bind\"}]}",
	 "mounts[0].source: a bind mount needs a source"},
	{"{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"]},\"annotations\":{\"a\":1}}",
	 "annotations.a: expected a string"},
	{"{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"]},\"linux\":{\"namespaces\":"
	 "[{\"type\":\"pid\"},{\"type\":\"bogus\"}]}}",
	 "linux.namespaces[1].type: unknown namespace type \"bogus\""},
	{"{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"]},\"linux\":{\"namespaces\":"
	 "[{\"path\":\"/proc/1/ns/net\"}]}}",
	 "linux.namespaces[0].type: missing"},
	{"{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"]},\"linux\":{\"namespaces\":"
	 "[{\"type\":7}]}}",
	 "linux.namespaces[0].type: expected a string"},
	{"{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"],\"user\":{\"uid\":\"0\"}}}",
	 "process.user.uid: expected an unsigned 32-bit integer"},
	{"{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"],\"user\":{\"gid\":"
	 "4294967296}}}",
	 "process.user.gid: expected an unsigned 32-bit integer"},
	{"{\"root\":{\"path\":\"\"},\"process\":{\"args\":[\"a\"]}}",
	 "root.path: expected a non-empty string"},
	{"{\"root\":\"rootfs\",\"process\":{\"args\":[\"a\"]}}", "root: expected an object"},
	{"{\"root\":{\"path\":\"r\"},\"process\":\"sh\"}", "process: expected an object"},
	{"{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"]},\"linux\":{\"resources\":[]}}",
	 "linux.resources: expected an object"},
	{"{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"]},\"hostname\":7}",
	 "hostname: expected a string"},
};

static void test_malformed(void **state)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct oci_config c;
		char err[256] = "";
		assert_int_equal(oci_config_parse(bad[i].json, "/b", &c, err, sizeof(err)), -EINVAL);
		if (!strstr(err, bad[i].msg))
			fail_msg("case %zu: got '%s', want '%s'", i, err, bad[i].msg);
		assert_null(strchr(err, '\n'));
		/* everything was released: a second free is harmless */
		assert_null(c.root_path);
		assert_null(c.process.args);
	}
}

static void test_process_file(void **state)
{
	struct oci_process p;
	char err[256];
	assert_int_equal(oci_process_parse_text("{\"args\":[\"ls\",\"-l\"],\"cwd\":\"/x\","
						"\"terminal\":true}",
						"process", &p, err, sizeof(err)),
			 0);
	assert_string_equal(p.args[1], "-l");
	assert_true(p.terminal);
	oci_process_free(&p);
	assert_int_equal(oci_process_parse_text("{\"args\":7}", "process", &p, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "process.args: expected an array of strings");
}

static void test_signal_and_cap_names(void **state)
{
	assert_int_equal(oci_signal_from_name("TERM"), SIGTERM);
	assert_int_equal(oci_signal_from_name("SIGKILL"), SIGKILL);
	assert_int_equal(oci_signal_from_name("9"), 9);
	assert_int_equal(oci_signal_from_name("sigusr1"), SIGUSR1);
	assert_int_equal(oci_signal_from_name("RTMIN+1"), SIGRTMIN + 1);
	assert_int_equal(oci_signal_from_name("NOPE"), -1);
	assert_int_equal(oci_signal_from_name("99"), -1);
	assert_int_equal(oci_cap_from_name("CAP_SYS_ADMIN"), 21);
	assert_int_equal(oci_cap_from_name("net_raw"), 13);
	assert_int_equal(oci_cap_from_name("CAP_BOGUS"), -1);
}

/* Mounts, annotations, rlimits and namespaces that fail half-way are released too. */
static void test_partial_configs_released(void **state)
{
	static const char *const partial[] = {
		"{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"],\"env\":[\"A=1\"]},"
		"\"mounts\":[{\"destination\":\"/x\",\"source\":\"s\",\"options\":[\"bind\"]},"
		"{\"destination\":\"rel\"}]}",
		"{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"]},"
		"\"annotations\":{\"k\":\"v\",\"n\":1}}",
		"{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"],\"rlimits\":["
		"{\"type\":\"RLIMIT_CORE\",\"soft\":1,\"hard\":1},{\"type\":\"RLIMIT_X\"}]}}",
		"{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"]},\"linux\":{\"namespaces\":"
		"[{\"type\":\"network\",\"path\":\"/p\"},{\"type\":\"nope\"}]}}",
	};
	for (size_t i = 0; i < sizeof(partial) / sizeof(partial[0]); i++) {
		struct oci_config c;
		char err[256] = "";
		assert_int_equal(oci_config_parse(partial[i], "/b", &c, err, sizeof(err)), -EINVAL);
		assert_non_null(strchr(err, ':'));
	}
	/* cmocka fails this test if any block above (ours or jansson's) is still allocated */
}

int main(void)
{
	json_set_alloc_funcs(json_tracked_malloc, json_tracked_free);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_config),  cmocka_unit_test(test_minimal_defaults),
		cmocka_unit_test(test_malformed),    cmocka_unit_test(test_process_file),
		cmocka_unit_test(test_signal_and_cap_names),
		cmocka_unit_test(test_partial_configs_released),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
