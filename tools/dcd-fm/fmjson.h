/* SPDX-License-Identifier: GPL-2.0 */
/* dcd-fm: JSON output, shaped like `cxl list` (sizes/hex as strings under -u) */
#ifndef DCD_FM_JSON_H
#define DCD_FM_JSON_H

#include <json-c/json.h>
#include <stdio.h>

#include "ledger.h"

#define FM_JSON_HUMAN 1

json_object *fm_json_size(uint64_t v, unsigned int flags);
json_object *fm_json_hex(uint64_t v, unsigned int flags);
/* grant as printed by dcd-fm (not the ledger's own encoding) */
json_object *fm_grant_to_json(const struct fm_grant *g, unsigned int flags);
/* an array, pretty, to f; consumes it */
void fm_json_print(FILE *f, json_object *arr);

#endif
