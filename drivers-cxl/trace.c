// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
#define CREATE_TRACE_POINTS
#include "trace.h"
