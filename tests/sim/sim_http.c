#include "sim_http.h"

#include "sim_admin.h"
#include "sim_api.h"
#include "sim_config.h"
#include "sim_faults.h"
#include "sim_stats.h"
#include "sim_util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Bodies are small forms and JSON; more than this is refused with 413. */
#define MAX_BODY (64 * 1024)

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	(void)cls;
	(void)version;
	struct sim_req *rq = *con_cls;
	if (!rq) {
		rq = sim_xcalloc(1, sizeof *rq);
		rq->is_sim = strncmp(url, "/_sim/", 6) == 0;
		if (!rq->is_sim) {
			sim_stats_inc(SC_REQUESTS);
			sim_stats_method(method);
			if (strcmp(method, "DELETE") == 0)
				sim_stats_inc(SC_DELETES);
			sim_stats_enter();
		}
		*con_cls = rq;
		return MHD_YES;
	}
	if (*upload_size) {
		if (rq->len + *upload_size > MAX_BODY)
			rq->too_big = true;
		else {
			if (rq->len + *upload_size + 1 > rq->cap) {
				rq->cap = rq->len + *upload_size + 1;
				rq->body = sim_xrealloc(rq->body, rq->cap);
			}
			memcpy(rq->body + rq->len, upload, *upload_size);
			rq->len += *upload_size;
			rq->body[rq->len] = '\0';
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (rq->is_sim)
		return sim_admin_handle(c, url, method, rq->body, rq->len);
	if (!rq->delayed) {
		rq->draw = sim_faults_draw(sim_config_current(), method, url);
		rq->delayed = true;
		if (rq->draw.delay_ms > 0 && sim_faults_delay(c, rq->draw.delay_ms))
			return MHD_YES; /* called again once resumed */
	}
	return sim_api_handle(c, rq, url, method);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	struct sim_req *rq = *con_cls;
	if (!rq)
		return;
	if (!rq->is_sim)
		sim_stats_leave();
	free(rq->body);
	free(rq);
	*con_cls = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	(void)cls;
	(void)c;
	(void)socket_context;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED)
		sim_stats_inc(SC_CONNECTIONS);
}

/* Leave the URL raw: the router splits on '/' first, then decodes each segment. */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

/* --tls-cert / --tls-key contents, kept until the daemon is stopped. */
static char *tls_cert_pem, *tls_key_pem;

/* A PEM file: at most 1 MiB, not empty. */
static char *slurp(const char *path, char *err, size_t errlen)
{
	char *buf = sim_read_file(path, 1u << 20, err, errlen);
	if (buf && !*buf) {
		snprintf(err, errlen, "could not read '%s': empty", path);
		free(buf);
		return NULL;
	}
	return buf;
}

static void tls_release(void)
{
	free(tls_cert_pem);
	free(tls_key_pem);
	tls_cert_pem = tls_key_pem = NULL;
}

struct MHD_Daemon *sim_http_start(const struct sim_config *cfg, int *port, char *err, size_t errlen)
{
	struct MHD_OptionItem tls_opts[3] = {{MHD_OPTION_END, 0, NULL}};
	bool tls = cfg->tls_cert != NULL;
	if (tls) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			snprintf(err, errlen, "this libmicrohttpd was built without TLS support");
			return NULL;
		}
		tls_cert_pem = slurp(cfg->tls_cert, err, errlen);
		tls_key_pem = tls_cert_pem ? slurp(cfg->tls_key, err, errlen) : NULL;
		if (!tls_key_pem) {
			tls_release();
			return NULL;
		}
		tls_opts[0] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, tls_key_pem};
		tls_opts[1] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, tls_cert_pem};
		tls_opts[2] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
	}
	struct sockaddr_in sa;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)cfg->port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned threads = cfg->threads > 0 ? (unsigned)cfg->threads : (unsigned)(ncpu > 0 ? ncpu : 1);
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG |
			 MHD_USE_TURBO;
	if (tls)
		flags |= MHD_USE_TLS;
	struct MHD_Daemon *d = MHD_start_daemon(
		flags, (uint16_t)cfg->port, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, &sa,
		MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL, MHD_OPTION_UNESCAPE_CALLBACK, no_unescape,
		NULL, MHD_OPTION_CONNECTION_TIMEOUT, 120u, MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
		MHD_OPTION_CONNECTION_LIMIT, 4000u, MHD_OPTION_ARRAY, tls_opts, MHD_OPTION_END);
	if (!d) {
		if (tls)
			snprintf(err, errlen, "could not listen on 127.0.0.1:%d with TLS (is '%s' / '%s' a valid PEM "
				 "certificate and key?)", cfg->port, cfg->tls_cert, cfg->tls_key);
		else
			snprintf(err, errlen, "could not listen on 127.0.0.1:%d", cfg->port);
		tls_release();
		return NULL;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	*port = info ? info->port : cfg->port;
	return d;
}

void sim_http_stop(struct MHD_Daemon *d)
{
	if (d)
		MHD_stop_daemon(d);
	tls_release();
}
