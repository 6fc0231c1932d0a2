// SPDX-License-Identifier: GPL-2.0
/*
 * dcd-fm: the host view over the lab's guest agent, from the cxl_dcd sysfs
 * ABI. For the memdev whose serial is the device's sn:
 *   device list: every extentX.Y of a DC region on that memdev (accepted or
 *                release-pending: both are accepted on the device) and every
 *                line of memX/dcd/orphans (accepted, no region covers it);
 *   host list:   the same with their state ("accepted", "release-pending",
 *                "orphan") and region.
 * An extent's memdev: regionX/target0 names an endpoint decoder
 * decoderN.M; endpointN/uport is the memdev.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "hostview.h"

char *fm_sysfs_view_script(uint64_t serial, const char *root)
{
	static const char fmt[] =
		"SN=%#" PRIx64 "\n"
		"C='%s/sys/bus/cxl/devices'\n"
		"mem=\n"
		"for m in \"$C\"/mem*; do\n"
		"\t[ -r \"$m/serial\" ] || continue\n"
		"\t[ \"$(cat \"$m/serial\")\" = \"$SN\" ] && { mem=${m##*/}; break; }\n"
		"done\n"
		"[ -n \"$mem\" ] || { echo \"no CXL memdev with serial $SN\"; exit %d; }\n"
		"[ -r \"$C/$mem/dcd/orphans\" ] ||"
		" { echo \"$mem has no dcd/ in sysfs (is cxl_dcd loaded?)\"; exit %d; }\n"
		"ep=\n"
		"for p in \"$C\"/endpoint*; do\n"
		"\tu=$(readlink -f \"$p/uport\" 2>/dev/null) || continue\n"
		"\t[ \"${u##*/}\" = \"$mem\" ] && { ep=${p##*/endpoint}; break; }\n"
		"done\n"
		"ext=$(for e in \"$C\"/dax_region*/extent*; do\n"
		"\t[ -d \"$e\" ] || continue\n"
		"\td=${e%%/*}; r=region${d##*/dax_region}\n"
		"\tt=$(cat \"$C/$r/target0\" 2>/dev/null) || continue\n"
		"\tcase \"$t\" in decoder$ep.*) ;; *) continue ;; esac\n"
		"\tdpa=$(cat \"$e/dpa\") && len=$(cat \"$e/length\") && st=$(cat \"$e/state\") ||"
		" continue\n"
		"\techo \"$dpa $len $st $r\"\n"
		"done 2>/dev/null)\n"
		"orph=$(cat \"$C/$mem/dcd/orphans\") || exit %d\n"
		"echo \"memdev $mem\"\n"
		"echo device_extents\n"
		"[ -z \"$ext\" ] || echo \"$ext\" | while read a b s r; do echo \"$a $b\"; done\n"
		"[ -z \"$orph\" ] || echo \"$orph\"\n"
		"echo host_extents\n"
		"[ -z \"$ext\" ] || echo \"$ext\"\n"
		"[ -z \"$orph\" ] || echo \"$orph\" | while read a b; do echo \"$a $b orphan -\"; done\n"
		"echo end\n";
	char *s = NULL;

	if (strchr(root, '\''))
		return NULL;
	if (asprintf(&s, fmt, serial, root, FM_VIEW_NO_MEMDEV, FM_VIEW_NO_DCD,
		     FM_VIEW_READ_FAIL) < 0)
		return NULL;
	return s;
}

/* ------------------------------------------------------- the lab's agent */

static int as_open(struct fm_hostview *hv, const char *endpoint, struct fm_err *e)
{
	struct agent *a = calloc(1, sizeof(*a));
	char boot[64];
	int rc;

	if (!a)
		return fm_seterr(e, -ENOMEM, "out of memory");
	rc = agent_open(a, endpoint, hv->timeout, e);
	if (!rc)
		rc = agent_ping(a, boot, sizeof(boot), e);
	if (rc) {
		agent_close(a);
		free(a);
		return rc;
	}
	hv->priv = a;
	return 0;
}

static int as_read(struct fm_hostview *hv, uint64_t serial, struct fm_host_view *v,
		   struct fm_err *e)
{
	char *script = fm_sysfs_view_script(serial, ""), *out = NULL;
	int st, rc;

	if (!script)
		return fm_seterr(e, -ENOMEM, "out of memory");
	rc = agent_run(hv->priv, script, (unsigned int)hv->timeout, &st, &out, e);
	free(script);
	if (rc)
		return rc;
	if (st) {
		out[strcspn(out, "\n")] = 0;
		rc = fm_seterr(e, st == FM_VIEW_NO_MEMDEV || st == FM_VIEW_NO_DCD ? -ENODEV : -EIO,
			       "%s (status %d)", *out ? out : "host script failed", st);
		free(out);
		return rc;
	}
	rc = fm_view_parse(out, v, e);
	free(out);
	return rc;
}

static void as_close(struct fm_hostview *hv)
{
	if (hv->priv) {
		agent_close(hv->priv);
		free(hv->priv);
	}
	hv->priv = NULL;
}

const struct fm_hostview_ops fm_agent_sysfs_ops = {
	.name = "agent-sysfs",
	.open = as_open,
	.read = as_read,
	.close = as_close,
};
