/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * A toy interface for kobj_test.c.  It exercises every construct of the
 * .m language: includes, CODE and HEADER blocks, methods with and without
 * defaults, a pointer return type, PROLOG/EPILOG and a STATICMETHOD.
 */

#include <sys/errno.h>

INTERFACE animal;

HEADER {
	/* Braces in comments { and strings do not end a block. */
	#define	ANIMAL_BRACE	"}"
	struct animal_counter {
		int	ac_before;
		int	ac_after;
	};
};

CODE {
	static int
	animal_no_legs(kobj_t obj)
	{
		return (0);
	}

	static const char *
	animal_silent(kobj_t obj, int loud)
	{
		return (loud ? "..." : "");	/* '}' */
	}

	static int
	animal_unknown_kind(kobj_class_t cls)
	{
		return (-1);
	}
};

/**
 * How many legs; the default says none.
 */
METHOD int legs {
	kobj_t	obj;		/* the animal */
} DEFAULT animal_no_legs;

/** What it says.  Returns a string. */
METHOD const char * sound {
	kobj_t	obj;
	int	loud;
} DEFAULT animal_silent;

/** Write a name into buf; no default, so ENXIO. */
METHOD int name {
	kobj_t	obj;
	char	*buf;
	size_t	len;
};

/** Counted: the PROLOG and EPILOG run around the call. */
METHOD void feed {
	kobj_t	obj;
	struct animal_counter *ac;
} PROLOG {
	ac->ac_before++;
} EPILOG {
	ac->ac_after++;
};

/** A property of the class, not of an object. */
STATICMETHOD int kind {
	kobj_class_t cls;
} DEFAULT animal_unknown_kind;
