#ifndef RECORDKEEPER_CZSTD_SHIM_H
#define RECORDKEEPER_CZSTD_SHIM_H
#include <zstd.h>
#include <zstd_errors.h>
#endif
