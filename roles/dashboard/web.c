/* The dashboard's web page: serves the files of web/ (embedded into the
 * binary by tools/embed.sh, found with web_assets_find) as Codis 2 did,
 * under /admin/. "/" redirects there, "/admin" and "/admin/" answer
 * index.html, "/assets/<name>" any other file with a Content-Type taken
 * from its extension; an unknown name gets a JSON 404 like the API. The
 * handlers also serve HEAD (evhttp drops the body). Not here: the page
 * itself (web/) and the API it calls (api_*.c). */
#include "roles/dashboard/dashboard.h"

#include <stdio.h>
#include <string.h>

#include <event2/http.h>

#include "roles/dashboard/web_assets.h"

/* Content types by file extension; the first column is matched against
 * the end of the name, the last row is the fallback. */
static const struct {
    const char *suffix;       /* ".html"; NULL ends the table */
    const char *content_type; /* sent as Content-Type */
} web_types[] = {
    { ".html", "text/html; charset=utf-8" },
    { ".js", "text/javascript; charset=utf-8" },
    { ".css", "text/css; charset=utf-8" },
    { ".json", "application/json; charset=utf-8" },
    { ".svg", "image/svg+xml" },
    { ".png", "image/png" },
    { ".ico", "image/x-icon" },
    { ".txt", "text/plain; charset=utf-8" },
    { NULL, "application/octet-stream" },
};

/* The Content-Type for a file called 'name'. Borrowed, static. */
static const char *web_content_type(const char *name)
{
    size_t len = strlen(name);
    size_t i = 0;
    for (; web_types[i].suffix != NULL; i++) {
        size_t slen = strlen(web_types[i].suffix);
        if (len > slen &&
            strcmp(name + len - slen, web_types[i].suffix) == 0) {
            break;
        }
    }
    return web_types[i].content_type;
}

/* Reply with the embedded file 'name', or a JSON 404. */
static void web_reply_asset(struct http_request *req, const char *name)
{
    const struct web_asset *asset = web_assets_find(name);
    if (asset == NULL) {
        http_reply_error(req, 404, "no such asset '%s'", name);
        return;
    }
    struct evkeyvalq *headers = evhttp_request_get_output_headers(req->req);
    /* The files change with the binary: let browsers revalidate. */
    evhttp_add_header(headers, "Cache-Control", "no-cache");
    /* Set here so that HEAD, whose body evhttp drops, tells it too. */
    char length[32];
    snprintf(length, sizeof(length), "%zu", asset->len);
    evhttp_add_header(headers, "Content-Length", length);
    http_reply_data(req, 200, web_content_type(name), asset->data,
                    asset->len);
}

void web_root(struct http_request *req, void *arg)
{
    http_reply_redirect(req, "/admin/");
}

void web_index(struct http_request *req, void *arg)
{
    web_reply_asset(req, "index.html");
}

void web_asset(struct http_request *req, void *arg)
{
    web_reply_asset(req, req->params[0]);
}
