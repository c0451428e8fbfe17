#ifndef RECORDKEEPER_COPENSSL_SHIM_H
#define RECORDKEEPER_COPENSSL_SHIM_H

// The system OpenSSL 3 headers that the Timestamping module uses (RFC 3161 time-stamping,
// certificates, PEM, errors, random numbers, memory BIOs). OpenSSL's symbols are unprefixed;
// swift-nio-ssl's vendored BoringSSL prefixes its own (CNIOBoringSSL_…), so the two coexist
// in one executable.
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

// Swift cannot call OpenSSL's function-like macros (typed stacks, OPENSSL_malloc/free), so
// these thin inline wrappers expose the few that are needed.

static inline STACK_OF(X509) *rk_sk_X509_new_null(void) { return sk_X509_new_null(); }

/// Pushes `cert` (the stack takes the caller's reference). Returns the new count, 0 on error.
static inline int rk_sk_X509_push(STACK_OF(X509) *stack, X509 *cert) { return sk_X509_push(stack, cert); }

/// Frees the stack and every certificate in it.
static inline void rk_sk_X509_pop_free(STACK_OF(X509) *stack) { sk_X509_pop_free(stack, X509_free); }

static inline int rk_sk_ASN1_UTF8STRING_num(const STACK_OF(ASN1_UTF8STRING) *stack) {
    return sk_ASN1_UTF8STRING_num(stack);
}

static inline const ASN1_UTF8STRING *rk_sk_ASN1_UTF8STRING_value(const STACK_OF(ASN1_UTF8STRING) *stack, int index) {
    return sk_ASN1_UTF8STRING_value(stack, index);
}

static inline void *rk_OPENSSL_malloc(size_t size) { return OPENSSL_malloc(size); }

static inline void rk_OPENSSL_free(void *pointer) { OPENSSL_free(pointer); }

#endif
