#ifndef HAVEN_CARGON2_SHIM_H
#define HAVEN_CARGON2_SHIM_H
#include <argon2.h>
#endif
