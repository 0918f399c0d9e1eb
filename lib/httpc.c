/* Blocking HTTP requests with libcurl; see httpc.h. libcurl's global state
 * is set up once, on first use, under pthread_once, since
 * curl_global_init is not thread-safe. */
#include "lib/httpc.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "lib/mem.h"

/* Largest body we accept in an answer. */
#define HTTPC_MAX_BODY (64 * 1024 * 1024)

static pthread_once_t httpc_once = PTHREAD_ONCE_INIT;
static CURLcode httpc_global_rc = CURLE_OK;

/* httpc_set_credentials: written before threads start, then only read */
static char httpc_userpass[512];

void httpc_set_credentials(const char *userpass)
{
    snprintf(httpc_userpass, sizeof(httpc_userpass), "%s",
             userpass != NULL ? userpass : "");
}

static void httpc_global_init(void)
{
    httpc_global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static size_t httpc_on_data(char *data, size_t size, size_t nmemb, void *arg)
{
    struct httpc_response *resp = arg;
    size_t n = size * nmemb;
    if (resp->len + n > HTTPC_MAX_BODY) {
        return 0; /* makes curl fail with a write error */
    }
    resp->body = mem_realloc(resp->body, resp->len + n + 1);
    memcpy(resp->body + resp->len, data, n);
    resp->len += n;
    resp->body[resp->len] = '\0';
    return n;
}

/* Set the options of one request; the first failure is returned. */
static CURLcode httpc_setup(CURL *curl, const char *method, const char *url,
                            const char *body, long timeout_ms,
                            struct curl_slist *headers, char *curl_err,
                            struct httpc_response *resp)
{
    CURLcode rc = curl_easy_setopt(curl, CURLOPT_URL, url);
    if (rc == CURLE_OK) {
        rc = curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    }
    if (rc == CURLE_OK) {
        rc = curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
    }
    if (rc == CURLE_OK) {
        rc = curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    }
    if (rc == CURLE_OK) {
        rc = curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_err);
    }
    if (rc == CURLE_OK) {
        rc = curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, httpc_on_data);
    }
    if (rc == CURLE_OK) {
        rc = curl_easy_setopt(curl, CURLOPT_WRITEDATA, resp);
    }
    if (rc == CURLE_OK && strcmp(method, "GET") != 0) {
        rc = curl_easy_setopt(curl, CURLOPT_POSTFIELDS,
                              body != NULL ? body : "");
    }
    if (rc == CURLE_OK && headers != NULL) {
        rc = curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    }
    if (rc == CURLE_OK && httpc_userpass[0] != '\0') {
        rc = curl_easy_setopt(curl, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        if (rc == CURLE_OK) {
            rc = curl_easy_setopt(curl, CURLOPT_USERPWD, httpc_userpass);
        }
    }
    return rc;
}

int httpc_request(const char *method, const char *url, const char *body,
                  long timeout_ms, struct httpc_response *resp, char *err,
                  size_t errlen)
{
    memset(resp, 0, sizeof(*resp));
    pthread_once(&httpc_once, httpc_global_init);
    if (httpc_global_rc != CURLE_OK) {
        snprintf(err, errlen, "cannot initialise libcurl: %s",
                 curl_easy_strerror(httpc_global_rc));
        return -1;
    }
    CURL *curl = curl_easy_init();
    if (curl == NULL) {
        snprintf(err, errlen, "cannot initialise libcurl");
        return -1;
    }
    char curl_err[CURL_ERROR_SIZE] = "";
    struct curl_slist *headers = NULL;
    if (body != NULL || strcmp(method, "GET") != 0) {
        headers = curl_slist_append(headers,
                                    "Content-Type: application/json");
        if (headers == NULL) {
            curl_easy_cleanup(curl);
            snprintf(err, errlen, "out of memory building a request");
            return -1;
        }
    }
    CURLcode rc = httpc_setup(curl, method, url, body, timeout_ms, headers,
                              curl_err, resp);
    if (rc == CURLE_OK) {
        rc = curl_easy_perform(curl);
    }
    if (rc == CURLE_OK) {
        rc = curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &resp->status);
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK) {
        httpc_response_release(resp);
        snprintf(err, errlen, "cannot reach '%s': %s", url,
                 curl_err[0] != '\0' ? curl_err : curl_easy_strerror(rc));
        return -1;
    }
    if (resp->body == NULL) {
        resp->body = mem_strdup("");
    }
    return 0;
}

int httpc_get(const char *url, long timeout_ms, struct httpc_response *resp,
              char *err, size_t errlen)
{
    return httpc_request("GET", url, NULL, timeout_ms, resp, err, errlen);
}

int httpc_put(const char *url, const char *body, long timeout_ms,
              struct httpc_response *resp, char *err, size_t errlen)
{
    return httpc_request("PUT", url, body, timeout_ms, resp, err, errlen);
}

int httpc_post(const char *url, const char *body, long timeout_ms,
               struct httpc_response *resp, char *err, size_t errlen)
{
    return httpc_request("POST", url, body, timeout_ms, resp, err, errlen);
}

int httpc_delete(const char *url, long timeout_ms,
                 struct httpc_response *resp, char *err, size_t errlen)
{
    return httpc_request("DELETE", url, NULL, timeout_ms, resp, err, errlen);
}

void httpc_response_release(struct httpc_response *resp)
{
    mem_free(resp->body);
    resp->body = NULL;
    resp->len = 0;
}
