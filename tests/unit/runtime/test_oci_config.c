/* tests/unit/runtime/test_oci_config.c - the config.json parser (runtime/oci_config.c):
 * good configs give the fields; malformed ones give one line naming the field. The
 * runtime's objects are not in libcore.a, so the parser is compiled in here. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include "runtime/oci_config.c"

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
	 "[{\"type\":\"bogus\"}]}}",
	 "linux.namespaces[0].type: unknown namespace type"},
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_config),  cmocka_unit_test(test_minimal_defaults),
		cmocka_unit_test(test_malformed),    cmocka_unit_test(test_process_file),
		cmocka_unit_test(test_signal_and_cap_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
