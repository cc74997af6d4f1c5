/* runtime/cmd_features.c - `cvisor features`: what this runtime supports, as JSON in the
 * shape of runc's `features` (runtime-spec features.md), which Docker and containerd read. */
#include "runtime/cli.h"
#include <stdio.h>

int cmd_features(struct global_opts *g, int argc, char **argv)
{
	fputs("{\n"
	      "    \"ociVersionMin\": \"1.0.0\",\n"
	      "    \"ociVersionMax\": \"1.1.0\",\n"
	      "    \"hooks\": [],\n"
	      "    \"mountOptions\": [\"bind\", \"rbind\", \"ro\", \"rw\", \"nosuid\", \"nodev\", "
	      "\"noexec\", \"mode\", \"size\"],\n"
	      "    \"linux\": {\n"
	      "        \"namespaces\": [\"cgroup\", \"ipc\", \"mount\", \"network\", \"pid\", "
	      "\"user\", \"uts\"],\n"
	      "        \"capabilities\": [\"CAP_CHOWN\", \"CAP_DAC_OVERRIDE\", "
	      "\"CAP_DAC_READ_SEARCH\", \"CAP_FOWNER\", \"CAP_FSETID\", \"CAP_KILL\", "
	      "\"CAP_SETGID\", \"CAP_SETUID\", \"CAP_SETPCAP\", \"CAP_LINUX_IMMUTABLE\", "
	      "\"CAP_NET_BIND_SERVICE\", \"CAP_NET_BROADCAST\", \"CAP_NET_ADMIN\", "
	      "\"CAP_NET_RAW\", \"CAP_IPC_LOCK\", \"CAP_IPC_OWNER\", \"CAP_SYS_MODULE\", "
	      "\"CAP_SYS_RAWIO\", \"CAP_SYS_CHROOT\", \"CAP_SYS_PTRACE\", \"CAP_SYS_PACCT\", "
	      "\"CAP_SYS_ADMIN\", \"CAP_SYS_BOOT\", \"CAP_SYS_NICE\", \"CAP_SYS_RESOURCE\", "
	      "\"CAP_SYS_TIME\", \"CAP_SYS_TTY_CONFIG\", \"CAP_MKNOD\", \"CAP_LEASE\", "
	      "\"CAP_AUDIT_WRITE\", \"CAP_AUDIT_CONTROL\", \"CAP_SETFCAP\", "
	      "\"CAP_MAC_OVERRIDE\", \"CAP_MAC_ADMIN\", \"CAP_SYSLOG\", \"CAP_WAKE_ALARM\", "
	      "\"CAP_BLOCK_SUSPEND\", \"CAP_AUDIT_READ\", \"CAP_PERFMON\", \"CAP_BPF\", "
	      "\"CAP_CHECKPOINT_RESTORE\"],\n"
	      "        \"cgroup\": {\n"
	      "            \"v1\": true,\n"
	      "            \"v2\": false,\n"
	      "            \"systemd\": false,\n"
	      "            \"systemdUser\": false\n"
	      "        },\n"
	      "        \"seccomp\": {\n"
	      "            \"enabled\": false\n"
	      "        },\n"
	      "        \"apparmor\": {\n"
	      "            \"enabled\": false\n"
	      "        },\n"
	      "        \"selinux\": {\n"
	      "            \"enabled\": false\n"
	      "        }\n"
	      "    },\n"
	      "    \"annotations\": {\n"
	      "        \"io.github.cvisor.platform\": \"ptrace\",\n"
	      "        \"org.opencontainers.runc.checkpoint.enabled\": \"false\"\n"
	      "    }\n"
	      "}\n",
	      stdout);
	return 0;
}
