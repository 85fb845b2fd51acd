#ifndef HAVEN_COPENSSL_SHIMS_H
#define HAVEN_COPENSSL_SHIMS_H
/* Functions for the OpenSSL macros and callbacks that Swift cannot express directly. */
#include <openssl/ssl.h>
#include <openssl/bio.h>
#include <openssl/x509.h>

/* SSL_OP_* values Swift cannot import (they are built with macros). */
uint64_t haven_SSL_OP_hardened(void);
uint64_t haven_SSL_OP_server_preference(void);

long haven_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version);
long haven_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version);
uint64_t haven_SSL_CTX_set_options(SSL_CTX *ctx, uint64_t options);
long haven_SSL_CTX_set_mode(SSL_CTX *ctx, long mode);
long haven_SSL_CTX_set1_groups_list(SSL_CTX *ctx, const char *list);
long haven_SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode);
long haven_SSL_CTX_sess_set_cache_size(SSL_CTX *ctx, long size);
long haven_SSL_CTX_set_dh_auto(SSL_CTX *ctx, long onoff);
long haven_SSL_CTX_add_extra_chain_cert(SSL_CTX *ctx, X509 *cert);
long haven_SSL_set_tlsext_host_name(SSL *ssl, const char *name);
long haven_SSL_get_secure_renegotiation_support(SSL *ssl);
long haven_BIO_pending(BIO *bio);
long haven_BIO_set_mem_eof_return(BIO *bio, int value);

/* Server-side ALPN: choose the first of `protocols` (wire format: length-prefixed names) that the
 * client offers; without overlap, continue without ALPN. The list is copied and freed with ctx. */
int haven_SSL_CTX_set_alpn_protocols(SSL_CTX *ctx, const unsigned char *protocols, unsigned int length);

/* OCSP stapling: send a copy of this DER response to clients that ask; freed with ctx. */
int haven_SSL_CTX_set_ocsp_response(SSL_CTX *ctx, const unsigned char *der, long length);

/* The X509 name entry text for NID in a certificate's subject, for messages. */
int haven_X509_subject_text(X509 *cert, char *buffer, int size);
#endif
