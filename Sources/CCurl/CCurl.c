// See include/CCurl.h. libcurl's API and ABI are stable (option numbers are never reused), so the
// values below, copied from curl/curl.h (curl 7.88 / 8.x), hold for every libcurl.so.4;
// `ccurl_check_constants` verifies the options against the loaded library's own table.
#include "CCurl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// MARK: - curl.h values

// CURLoption = CURLOPTTYPE_<kind> + number, with LONG 0, OBJECTPOINT/STRINGPOINT/SLISTPOINT/CBPOINT 10000,
// FUNCTIONPOINT 20000.
#define CURLOPT_WRITEDATA          10001  // OBJECTPOINT 1 (alias of CURLOPT_FILE)
#define CURLOPT_URL                10002  // STRINGPOINT 2
#define CURLOPT_ERRORBUFFER        10010  // OBJECTPOINT 10
#define CURLOPT_WRITEFUNCTION      20011  // FUNCTIONPOINT 11
#define CURLOPT_USERAGENT          10018  // STRINGPOINT 18
#define CURLOPT_LOW_SPEED_LIMIT    19     // LONG 19
#define CURLOPT_LOW_SPEED_TIME     20     // LONG 20
#define CURLOPT_HTTPHEADER         10023  // SLISTPOINT 23
#define CURLOPT_NOPROGRESS         43     // LONG 43
#define CURLOPT_FOLLOWLOCATION     52     // LONG 52
#define CURLOPT_XFERINFODATA       10057  // CBPOINT 57 (alias of CURLOPT_PROGRESSDATA)
#define CURLOPT_MAXREDIRS          68     // LONG 68
#define CURLOPT_CONNECTTIMEOUT     78     // LONG 78
#define CURLOPT_HTTPGET            80     // LONG 80
#define CURLOPT_NOSIGNAL           99     // LONG 99
#define CURLOPT_ACCEPT_ENCODING    10102  // STRINGPOINT 102
#define CURLOPT_PROTOCOLS          181    // LONG 181 (bitmask, deprecated since 7.85)
#define CURLOPT_REDIR_PROTOCOLS    182    // LONG 182 (bitmask, deprecated since 7.85)
#define CURLOPT_XFERINFOFUNCTION   20219  // FUNCTIONPOINT 219
#define CURLOPT_PROTOCOLS_STR      10318  // STRINGPOINT 318 (7.85+)
#define CURLOPT_REDIR_PROTOCOLS_STR 10319 // STRINGPOINT 319 (7.85+)

#define CURLINFO_LONG              0x200000
#define CURLINFO_RESPONSE_CODE     (CURLINFO_LONG + 2)

#define CURLPROTO_HTTP             (1 << 0)
#define CURLPROTO_HTTPS            (1 << 1)
#define CURL_GLOBAL_ALL            3       // CURL_GLOBAL_SSL | CURL_GLOBAL_WIN32
#define CURL_ERROR_SIZE            256

#define CURLE_OK                   0
#define CURLE_FAILED_INIT          2
#define CURLE_UNKNOWN_OPTION       48

typedef void CURL;
struct curl_slist;
typedef long long curl_off_t;
struct curl_easyoption {
    const char *name;
    int id;          // CURLoption
    int type;        // curl_easytype
    unsigned int flags;
};

// MARK: - Loading

static struct {
    int (*global_init)(long flags);
    CURL *(*easy_init)(void);
    int (*easy_setopt)(CURL *handle, int option, ...);
    int (*easy_perform)(CURL *handle);
    int (*easy_getinfo)(CURL *handle, int info, ...);
    void (*easy_cleanup)(CURL *handle);
    const char *(*easy_strerror)(int code);
    struct curl_slist *(*slist_append)(struct curl_slist *list, const char *text);
    void (*slist_free_all)(struct curl_slist *list);
    const struct curl_easyoption *(*option_by_name)(const char *name);  // optional (7.73+)
} api;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int load_ok = 0;
static char load_error[CURL_ERROR_SIZE];

/// Turns newlines into spaces and drops trailing whitespace, in place.
static void one_line(char *text) {
    size_t length = 0;
    for (char *c = text; *c; c++, length++) {
        if (*c == '\n' || *c == '\r') *c = ' ';
    }
    while (length > 0 && (text[length - 1] == ' ' || text[length - 1] == '\t')) text[--length] = 0;
}

/// Copies `text` as one line into `buffer`.
static void copy_line(char *buffer, size_t size, const char *text) {
    if (size == 0) return;
    snprintf(buffer, size, "%s", text ? text : "");
    one_line(buffer);
}

static void load(void) {
    // Debian's libcurl4 (OpenSSL) first; libcurl3-gnutls has the same ABI under another soname.
    static const char *const names[] = {"libcurl.so.4", "libcurl-gnutls.so.4"};
    void *handle = NULL;
    char first_error[CURL_ERROR_SIZE] = "";
    for (size_t i = 0; i < sizeof names / sizeof names[0] && handle == NULL; i++) {
        handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
        if (handle == NULL && first_error[0] == 0) {
            copy_line(first_error, sizeof first_error, dlerror());
        }
    }
    if (handle == NULL) {
        copy_line(load_error, sizeof load_error, first_error[0] ? first_error : "libcurl.so.4 not found");
        return;
    }
#define RESOLVE(field, symbol)                                                             \
    do {                                                                                   \
        *(void **)(&api.field) = dlsym(handle, symbol);                                    \
        if (api.field == NULL) {                                                           \
            snprintf(load_error, sizeof load_error, "the loaded libcurl has no %s", symbol); \
            return;                                                                        \
        }                                                                                  \
    } while (0)
    RESOLVE(global_init, "curl_global_init");
    RESOLVE(easy_init, "curl_easy_init");
    RESOLVE(easy_setopt, "curl_easy_setopt");
    RESOLVE(easy_perform, "curl_easy_perform");
    RESOLVE(easy_getinfo, "curl_easy_getinfo");
    RESOLVE(easy_cleanup, "curl_easy_cleanup");
    RESOLVE(easy_strerror, "curl_easy_strerror");
    RESOLVE(slist_append, "curl_slist_append");
    RESOLVE(slist_free_all, "curl_slist_free_all");
#undef RESOLVE
    *(void **)(&api.option_by_name) = dlsym(handle, "curl_easy_option_by_name");
    // curl_global_init is not thread-safe in older libcurl; pthread_once runs it exactly once.
    int code = api.global_init(CURL_GLOBAL_ALL);
    if (code != CURLE_OK) {
        snprintf(load_error, sizeof load_error, "curl_global_init failed with code %d", code);
        return;
    }
    load_ok = 1;
}

int ccurl_available(char *error, size_t error_size) {
    pthread_once(&load_once, load);
    if (!load_ok && error != NULL) {
        copy_line(error, error_size, load_error);
    }
    return load_ok;
}

// MARK: - Transfer

/// CURLOPT_WRITEFUNCTION: appends to the response body (doubling the buffer). Returning less than
/// asked makes libcurl fail the transfer with CURLE_WRITE_ERROR.
static size_t write_body(char *data, size_t size, size_t count, void *context) {
    ccurl_response *out = context;
    size_t length = size * count;
    if (length == 0) return 0;
    size_t needed = out->body_length + length;
    if (needed < length) {  // size_t overflow
        out->body_overflow = 1;
        return 0;
    }
    if (needed > out->body_capacity) {
        size_t grown = out->body_capacity < 65536 ? 65536 : out->body_capacity;
        while (grown < needed) {
            if (grown > SIZE_MAX / 2) {
                out->body_overflow = 1;
                return 0;
            }
            grown *= 2;
        }
        unsigned char *body = realloc(out->body, grown);
        if (body == NULL) {
            out->body_overflow = 1;
            return 0;
        }
        out->body = body;
        out->body_capacity = grown;
    }
    memcpy(out->body + out->body_length, data, length);
    out->body_length = needed;
    return length;
}

/// CURLOPT_XFERINFOFUNCTION: called at least about once a second during the whole transfer; a
/// non-zero return aborts it with CURLE_ABORTED_BY_CALLBACK.
static int watch_cancel(void *context, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow) {
    (void)dltotal; (void)dlnow; (void)ultotal; (void)ulnow;
    const int *cancel = context;
    return __atomic_load_n(cancel, __ATOMIC_ACQUIRE) != 0;
}

void ccurl_cancel(int *flag) {
    __atomic_store_n(flag, 1, __ATOMIC_RELEASE);
}

int ccurl_get(const char *url, const char *accept, const char *user_agent, long idle_timeout_s,
              const int *cancel, ccurl_response *out) {
    memset(out, 0, sizeof *out);
    if (!ccurl_available(out->error, sizeof out->error)) {
        out->code = CCURL_NO_LIBRARY;
        return out->code;
    }
    CURL *handle = api.easy_init();
    if (handle == NULL) {
        out->code = CURLE_FAILED_INIT;
        copy_line(out->error, sizeof out->error, "curl_easy_init failed");
        return out->code;
    }
    char accept_header[512];
    snprintf(accept_header, sizeof accept_header, "Accept: %s", accept);
    struct curl_slist *headers = api.slist_append(NULL, accept_header);
    if (idle_timeout_s < 1) idle_timeout_s = 1;

    int code = headers == NULL ? CURLE_FAILED_INIT : CURLE_OK;
    // Each option is set only while all before it succeeded; the first failure is the result.
#define SET(option, value) \
    if (code == CURLE_OK) code = api.easy_setopt(handle, option, value)
    SET(CURLOPT_ERRORBUFFER, out->error);
    SET(CURLOPT_URL, url);
    SET(CURLOPT_HTTPGET, 1L);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_FOLLOWLOCATION, 1L);
    SET(CURLOPT_MAXREDIRS, 10L);
    if (code == CURLE_OK) {
        // Only http and https, also for redirects (string options from 7.85, bitmasks before).
        code = api.easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
        if (code == CURLE_UNKNOWN_OPTION) code = api.easy_setopt(handle, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    }
    if (code == CURLE_OK) {
        code = api.easy_setopt(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
        if (code == CURLE_UNKNOWN_OPTION) code = api.easy_setopt(handle, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    }
    SET(CURLOPT_ACCEPT_ENCODING, "");  // "" = every encoding this libcurl can decode
    SET(CURLOPT_USERAGENT, user_agent);
    SET(CURLOPT_HTTPHEADER, headers);
    // Idle timeout: connecting may take idle_timeout_s, and the transfer is abandoned when it stays
    // below 1 byte/s for idle_timeout_s seconds (i.e. no data at all for that long).
    SET(CURLOPT_CONNECTTIMEOUT, idle_timeout_s);
    SET(CURLOPT_LOW_SPEED_LIMIT, 1L);
    SET(CURLOPT_LOW_SPEED_TIME, idle_timeout_s);
    SET(CURLOPT_WRITEFUNCTION, write_body);
    SET(CURLOPT_WRITEDATA, (void *)out);
    if (cancel != NULL) {
        SET(CURLOPT_NOPROGRESS, 0L);
        SET(CURLOPT_XFERINFOFUNCTION, watch_cancel);
        SET(CURLOPT_XFERINFODATA, (void *)cancel);
    }
#undef SET
    if (code == CURLE_OK) {
        code = api.easy_perform(handle);
    }
    long status = 0;
    if (api.easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK) {
        out->status = status;
    }
    api.easy_cleanup(handle);
    api.slist_free_all(headers);
    out->code = code;
    if (code != CURLE_OK && out->error[0] == 0) {
        copy_line(out->error, sizeof out->error, api.easy_strerror(code));
    }
    one_line(out->error);
    return code;
}

void ccurl_response_free(ccurl_response *response) {
    free(response->body);
    response->body = NULL;
    response->body_length = 0;
    response->body_capacity = 0;
}

// MARK: - Self-check

int ccurl_check_constants(char *detail, size_t detail_size) {
    if (!ccurl_available(detail, detail_size)) return -1;
    if (api.option_by_name == NULL) {
        copy_line(detail, detail_size, "libcurl has no curl_easy_option_by_name (older than 7.73)");
        return -1;
    }
    static const struct { const char *name; int id; } expected[] = {
        {"WRITEDATA", CURLOPT_WRITEDATA}, {"URL", CURLOPT_URL}, {"ERRORBUFFER", CURLOPT_ERRORBUFFER},
        {"WRITEFUNCTION", CURLOPT_WRITEFUNCTION}, {"USERAGENT", CURLOPT_USERAGENT},
        {"LOW_SPEED_LIMIT", CURLOPT_LOW_SPEED_LIMIT}, {"LOW_SPEED_TIME", CURLOPT_LOW_SPEED_TIME},
        {"HTTPHEADER", CURLOPT_HTTPHEADER}, {"NOPROGRESS", CURLOPT_NOPROGRESS},
        {"FOLLOWLOCATION", CURLOPT_FOLLOWLOCATION}, {"XFERINFODATA", CURLOPT_XFERINFODATA},
        {"MAXREDIRS", CURLOPT_MAXREDIRS}, {"CONNECTTIMEOUT", CURLOPT_CONNECTTIMEOUT},
        {"HTTPGET", CURLOPT_HTTPGET}, {"NOSIGNAL", CURLOPT_NOSIGNAL},
        {"ACCEPT_ENCODING", CURLOPT_ACCEPT_ENCODING}, {"PROTOCOLS", CURLOPT_PROTOCOLS},
        {"REDIR_PROTOCOLS", CURLOPT_REDIR_PROTOCOLS}, {"XFERINFOFUNCTION", CURLOPT_XFERINFOFUNCTION},
        {"PROTOCOLS_STR", CURLOPT_PROTOCOLS_STR}, {"REDIR_PROTOCOLS_STR", CURLOPT_REDIR_PROTOCOLS_STR},
    };
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        const struct curl_easyoption *option = api.option_by_name(expected[i].name);
        if (option == NULL || option->id != expected[i].id) {
            snprintf(detail, detail_size, "CURLOPT_%s is %d here, libcurl says %d", expected[i].name,
                     expected[i].id, option ? option->id : -1);
            return 1;
        }
    }
    return 0;
}
