/* A blocking HTTP client over libcurl, for the config CLI, ha and the
 * dashboard's calls to proxies: one function sends a request with an
 * optional JSON body and a timeout and returns the status and the body.
 * Not here: serving HTTP (lib/http). */
#ifndef CODIS_HTTPC_H
#define CODIS_HTTPC_H

#include <stddef.h>

/* The answer to a request. */
struct httpc_response {
    long status; /* HTTP status code */
    char *body;  /* owned, NUL-terminated; release with httpc_response_release */
    size_t len;  /* bytes of 'body', not counting the NUL */
};

/* Send 'method' ("GET", "PUT", "POST", "DELETE") to 'url'
 * ("http://host:port/path"), with 'body' (NULL: none) sent as
 * application/json (any method but GET says Content-Type:
 * application/json even without a body: the dashboard refuses other
 * state-changing requests as cross-site), and wait at most 'timeout_ms' for the whole exchange.
 * Returns 0 with 'resp' filled whatever the status, or -1 with 'err'
 * filled when no answer came ("cannot connect to 'http://...':
 * Connection refused"). */
int httpc_request(const char *method, const char *url, const char *body,
                  long timeout_ms, struct httpc_response *resp, char *err,
                  size_t errlen);

/* Shorthands of httpc_request. */
int httpc_get(const char *url, long timeout_ms, struct httpc_response *resp,
              char *err, size_t errlen);
int httpc_put(const char *url, const char *body, long timeout_ms,
              struct httpc_response *resp, char *err, size_t errlen);
int httpc_post(const char *url, const char *body, long timeout_ms,
               struct httpc_response *resp, char *err, size_t errlen);
int httpc_delete(const char *url, long timeout_ms,
                 struct httpc_response *resp, char *err, size_t errlen);

/* Send HTTP Basic credentials 'userpass' ("user:password", copied; NULL
 * or "": none) with every later request of this process. Call before
 * starting threads that send requests. The dashboard's clients (codis
 * config, ha, demo) set what auth_client_credentials gives. */
void httpc_set_credentials(const char *userpass);

/* Free the body of 'resp' (the struct itself is the caller's). */
void httpc_response_release(struct httpc_response *resp);

#endif
