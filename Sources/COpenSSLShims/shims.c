#include "COpenSSLShims.h"
#include <openssl/crypto.h>
#include <openssl/ocsp.h>
#include <stdlib.h>
#include <string.h>

/* No renegotiation (refused with an alert), no TLS compression (CRIME), no session tickets
 * (resumption uses the server-side cache instead, so no ticket keys to rotate). */
uint64_t haven_SSL_OP_hardened(void) {
    return SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_NO_TICKET;
}

/* The server picks the suite in its own order of preference. */
uint64_t haven_SSL_OP_server_preference(void) {
    return SSL_OP_CIPHER_SERVER_PREFERENCE;
}

long haven_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) { return SSL_CTX_set_min_proto_version(ctx, version); }
long haven_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version) { return SSL_CTX_set_max_proto_version(ctx, version); }
uint64_t haven_SSL_CTX_set_options(SSL_CTX *ctx, uint64_t options) { return SSL_CTX_set_options(ctx, options); }
long haven_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) { return SSL_CTX_set_mode(ctx, mode); }
long haven_SSL_CTX_set1_groups_list(SSL_CTX *ctx, const char *list) { return SSL_CTX_set1_groups_list(ctx, list); }
long haven_SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode) { return SSL_CTX_set_session_cache_mode(ctx, mode); }
long haven_SSL_CTX_sess_set_cache_size(SSL_CTX *ctx, long size) { return SSL_CTX_sess_set_cache_size(ctx, size); }
long haven_SSL_CTX_set_dh_auto(SSL_CTX *ctx, long onoff) { return SSL_CTX_set_dh_auto(ctx, onoff); }
long haven_SSL_CTX_add_extra_chain_cert(SSL_CTX *ctx, X509 *cert) { return SSL_CTX_add_extra_chain_cert(ctx, cert); }
long haven_SSL_set_tlsext_host_name(SSL *ssl, const char *name) { return SSL_set_tlsext_host_name(ssl, name); }
long haven_SSL_get_secure_renegotiation_support(SSL *ssl) { return SSL_get_secure_renegotiation_support(ssl); }
long haven_BIO_pending(BIO *bio) { return BIO_pending(bio); }
long haven_BIO_set_mem_eof_return(BIO *bio, int value) { return BIO_set_mem_eof_return(bio, value); }

/* A length-prefixed byte string kept with an SSL_CTX and freed with it. */
typedef struct { unsigned char *bytes; long length; } haven_blob;

static void haven_blob_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp) {
    (void)parent; (void)ad; (void)idx; (void)argl; (void)argp;
    haven_blob *blob = ptr;
    if (blob) { OPENSSL_free(blob->bytes); OPENSSL_free(blob); }
}

static int haven_alpn_index = -1;
static int haven_ocsp_index = -1;
static CRYPTO_ONCE haven_indexes_once = CRYPTO_ONCE_STATIC_INIT;

static void haven_make_indexes(void) {
    haven_alpn_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, haven_blob_free);
    haven_ocsp_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, haven_blob_free);
}

static int haven_set_blob(SSL_CTX *ctx, int *index, const unsigned char *bytes, long length) {
    if (!CRYPTO_THREAD_run_once(&haven_indexes_once, haven_make_indexes)) return 0;
    int idx = *index;
    if (idx < 0) return 0;
    haven_blob *blob = OPENSSL_malloc(sizeof(haven_blob));
    if (!blob) return 0;
    blob->bytes = OPENSSL_malloc(length > 0 ? length : 1);
    if (!blob->bytes) { OPENSSL_free(blob); return 0; }
    memcpy(blob->bytes, bytes, length);
    blob->length = length;
    haven_blob *old = SSL_CTX_get_ex_data(ctx, idx);
    if (old) haven_blob_free(NULL, old, NULL, idx, 0, NULL);
    return SSL_CTX_set_ex_data(ctx, idx, blob);
}

static int haven_alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                             const unsigned char *in, unsigned int inlen, void *arg) {
    (void)arg;
    haven_blob *blob = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), haven_alpn_index);
    if (!blob) return SSL_TLSEXT_ERR_NOACK;
    unsigned char *selected = NULL;
    if (SSL_select_next_proto(&selected, outlen, blob->bytes, (unsigned int)blob->length, in, inlen) != OPENSSL_NPN_NEGOTIATED) {
        return SSL_TLSEXT_ERR_NOACK;
    }
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
}

int haven_SSL_CTX_set_alpn_protocols(SSL_CTX *ctx, const unsigned char *protocols, unsigned int length) {
    if (!haven_set_blob(ctx, &haven_alpn_index, protocols, length)) return 0;
    SSL_CTX_set_alpn_select_cb(ctx, haven_alpn_select, NULL);
    return 1;
}

static int haven_ocsp_status(SSL *ssl, void *arg) {
    (void)arg;
    haven_blob *blob = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), haven_ocsp_index);
    if (!blob) return SSL_TLSEXT_ERR_NOACK;
    unsigned char *copy = OPENSSL_malloc(blob->length);
    if (!copy) return SSL_TLSEXT_ERR_ALERT_FATAL;
    memcpy(copy, blob->bytes, blob->length);
    /* OpenSSL takes ownership of copy. */
    SSL_set_tlsext_status_ocsp_resp(ssl, copy, blob->length);
    return SSL_TLSEXT_ERR_OK;
}

int haven_SSL_CTX_set_ocsp_response(SSL_CTX *ctx, const unsigned char *der, long length) {
    if (!haven_set_blob(ctx, &haven_ocsp_index, der, length)) return 0;
    return SSL_CTX_set_tlsext_status_cb(ctx, haven_ocsp_status) == 1;
}

int haven_X509_subject_text(X509 *cert, char *buffer, int size) {
    X509_NAME *name = X509_get_subject_name(cert);
    if (!name || size <= 0) return 0;
    X509_NAME_oneline(name, buffer, size);
    return 1;
}
