/* runtime/oci_seccomp.h - an OCI config's linux.seccomp object (runtime-spec 1.x) turned
 * into the classic-BPF program the container's processes get, with libseccomp, the way runc
 * builds it: defaultAction/defaultErrnoRet, architectures, flags, and syscalls rules (names,
 * action, errnoRet, args). Bad input gives -EINVAL and one line naming the field. */
#ifndef CVISOR_RUNTIME_OCI_SECCOMP_H
#define CVISOR_RUNTIME_OCI_SECCOMP_H
#include <stddef.h>
#include <jansson.h>
#include <linux/filter.h>

/* Builds the program for @seccomp (the linux.seccomp object; borrowed). On success returns 0,
 * a malloc'd program in *@out (release with oci_seccomp_free) and in *@flags the
 * SECCOMP_FILTER_FLAG_LOG / _SPEC_ALLOW bits of "flags" (TSYNC is dropped: the container's
 * process gets the filter before it has threads). On failure returns -EINVAL (bad or
 * unsupported field: SCMP_ACT_NOTIFY, listenerPath) or -ENOMEM, with a one-line message in
 * @err ("linux.seccomp.syscalls[3].action: unknown action \"SCMP_ACT_FOO\""). Syscall names
 * this libseccomp does not know are skipped, as runc does. */
int oci_seccomp_build(const json_t *seccomp, struct sock_fprog *out, unsigned *flags, char *err,
		      size_t errlen);
void oci_seccomp_free(struct sock_fprog *prog);

#endif
