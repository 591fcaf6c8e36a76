// CCurl: one blocking HTTP GET through libcurl, loaded at run time with dlopen("libcurl.so.4").
//
// papersearch does not link libcurl: a query never loads it (nor its TLS, Kerberos, LDAP, ssh, ...
// dependencies). Only `papersearch fetch` loads it, on the first request. curl's headers are not
// needed either: the few option and info numbers used are defined in CCurl.c with their curl.h names.
// Reached from exactly one Swift file (ArxivAPI/CurlHTTPClient.swift).
#ifndef CCURL_H
#define CCURL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// `code` when libcurl could not be loaded (library or one of its functions missing); `error` says why.
#define CCURL_NO_LIBRARY (-1)

/// The outcome of one `ccurl_get`. Release it with `ccurl_response_free`.
typedef struct ccurl_response {
    /// The response body (decoded from gzip/deflate/... when the server compressed it); NULL when empty.
    unsigned char *body;
    /// Bytes in `body`.
    size_t body_length;
    /// Bytes allocated for `body` (internal).
    size_t body_capacity;
    /// HTTP status of the last response (after redirects), 0 when none arrived.
    long status;
    /// 0 on success, else libcurl's CURLcode, or CCURL_NO_LIBRARY.
    int code;
    /// 1 when the body could not be stored (out of memory); the transfer then fails with CURLE_WRITE_ERROR.
    int body_overflow;
    /// One-line detail of a failure (libcurl's error buffer, curl_easy_strerror, or dlerror), NUL-terminated.
    char error[256];
} ccurl_response;

/// Performs one blocking HTTP(S) GET of `url`.
///
/// Sends `Accept: <accept>` and `User-Agent: <user_agent>`, accepts every compression libcurl supports,
/// follows up to 10 redirects (http and https only), and gives up when no data arrives for
/// `idle_timeout_s` seconds (connect timeout `idle_timeout_s`, low-speed limit 1 byte/s during
/// `idle_timeout_s` s; both yield CURLE_OPERATION_TIMEDOUT = 28). Uses no signals (CURLOPT_NOSIGNAL), so
/// it is safe on any thread. When `cancel` is not NULL, the transfer is aborted (CURLE_ABORTED_BY_CALLBACK
/// = 42) soon after `*cancel` becomes non-zero (set it with `ccurl_cancel`).
///
/// Returns `out->code`. `out` is always filled (also on failure) and must be released.
int ccurl_get(const char *url, const char *accept, const char *user_agent, long idle_timeout_s,
              const int *cancel, ccurl_response *out);

/// Frees the body of a response and clears it. Safe to call twice.
void ccurl_response_free(ccurl_response *response);

/// Sets `*flag` to 1 atomically (from any thread) so that a `ccurl_get` watching it stops.
void ccurl_cancel(int *flag);

/// Loads libcurl if needed. Returns 1 when it is usable, else 0 with a one-line reason in `error`.
int ccurl_available(char *error, size_t error_size);

/// Checks the option numbers this file defines against libcurl's own option table
/// (curl_easy_option_by_name, libcurl >= 7.73). Returns 0 when all match, 1 on a mismatch (its name
/// and both numbers in `detail`), -1 when libcurl or its option table is unavailable.
int ccurl_check_constants(char *detail, size_t detail_size);

#ifdef __cplusplus
}
#endif

#endif
