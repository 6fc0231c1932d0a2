/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright(c) 2026 The cxl-dcd authors. */
#ifndef __CXL_DCD_COMPAT_H__
#define __CXL_DCD_COMPAT_H__

/**
 * DOC: cxl-dcd compat
 *
 * The one place that absorbs differences between the kernels cxl_dcd.ko
 * builds against, and the one place that includes the CXL private headers
 * (copied from the same-version linux-source by scripts/fetch-kheaders).
 * The generated layout_asserts.h follows them, so a kernel whose private
 * struct layouts differ from the copied headers fails the build.
 *
 * Differences are detected by feature probes in Kbuild, never by
 * LINUX_VERSION_CODE: distro kernels carry backports.
 */

#include <linux/module.h>
#include "drivers/cxl/cxlmem.h"
#include "drivers/dax/bus.h"
#include "drivers/dax/dax-private.h"
#include "layout_asserts.h"

/*
 * Symbol namespaces are bare identifiers up to 6.12 and strings from 6.13
 * (Kbuild defines DCD_NS_STRING when include/linux/module.h stringifies no
 * more).
 */
#ifdef DCD_NS_STRING
#define DCD_IMPORT_NS_CXL()	MODULE_IMPORT_NS("CXL")
#define DCD_IMPORT_NS_DEVMEM()	MODULE_IMPORT_NS("DEVMEM")
#else
#define DCD_IMPORT_NS_CXL()	MODULE_IMPORT_NS(CXL)
#define DCD_IMPORT_NS_DEVMEM()	MODULE_IMPORT_NS(DEVMEM)
#endif

#endif /* __CXL_DCD_COMPAT_H__ */
