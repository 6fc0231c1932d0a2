# SPDX-License-Identifier: GPL-2.0
#
# tools/lib for a tool's Makefile: set LIBDIR (the path to tools/lib) and
# include this; then add $(UTIL_OBJS) / $(UTIL_SAN_OBJS) to the tool's
# archives and -I$(LIBDIR) is in CPPFLAGS. Objects go to $(B)/lib, $(SB)/lib.

UTIL_SRCS := size.c sysfs.c name.c dispatch.c notify.c
UTIL_HDRS := $(addprefix $(LIBDIR)/,$(UTIL_SRCS:.c=.h))
CPPFLAGS += -I$(LIBDIR)
UTIL_OBJS = $(addprefix $(B)/lib/,$(UTIL_SRCS:.c=.o))
UTIL_SAN_OBJS = $(addprefix $(SB)/lib/,$(UTIL_SRCS:.c=.o))
