/* SPDX-License-Identifier: GPL-2.0 */
/* dcd-fm: subcommands (table in dcd-fm.c); each returns an exit code */
#ifndef DCD_FM_BUILTIN_H
#define DCD_FM_BUILTIN_H

int cmd_add(int argc, char **argv);
int cmd_release(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_pool(int argc, char **argv);
int cmd_recover(int argc, char **argv);

#endif
