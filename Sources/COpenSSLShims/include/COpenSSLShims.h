#ifndef HAVEN_COPENSSL_SHIMS_H
#define HAVEN_COPENSSL_SHIMS_H
/* Functions for the OpenSSL macros that Swift cannot import. */
#include <openssl/ssl.h>
#include <openssl/bio.h>

long haven_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version);
long haven_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version);
long haven_SSL_CTX_set_options(SSL_CTX *ctx, long options);
long haven_SSL_CTX_set_mode(SSL_CTX *ctx, long mode);
long haven_SSL_CTX_set1_groups_list(SSL_CTX *ctx, const char *list);
long haven_SSL_set_tlsext_host_name(SSL *ssl, const char *name);
long haven_BIO_pending(BIO *bio);
long haven_BIO_set_mem_eof_return(BIO *bio, int value);
int haven_OPENSSL_VERSION_NUMBER(void);
#endif
