/* Unit tests of lib/model_store on the embedded coordinator: slots,
 * groups, the Action protocol with a real second process acting as a
 * proxy (acks, timeout -> mark_offline, fence check), gc, the dashboard
 * registration and the lock. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "lib/coord.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "roles/dashboard/store.h"
#include "lib/slot.h"
#include "t/unit/tap.h"

static char dir[] = "/tmp/model_store_test_XXXXXX";
static struct model_slot slots[SLOT_COUNT];

static struct coord *open_coord(void)
{
    char err[256];
    struct coord *c = coord_open("filesystem", dir, 30000, NULL, err,
                                 sizeof(err));
    if (c == NULL) {
        printf("# %s\n", err);
    }
    return c;
}

static void make_proxy(struct model_proxy *p, const char *id, int port)
{
    memset(p, 0, sizeof(*p));
    snprintf(p->id, sizeof(p->id), "%s", id);
    snprintf(p->addr, sizeof(p->addr), "127.0.0.1:%d", port);
    snprintf(p->debug_var_addr, sizeof(p->debug_var_addr), "127.0.0.1:%d",
             port + 1);
    p->state = MODEL_PROXY_ONLINE;
    p->pid = (int)getpid();
}

/* A proxy in a child process: registers, then acks every new action
 * until killed. Writes one byte to 'ready' once registered. */
static pid_t spawn_proxy(const char *id, int port, bool ack)
{
    int fds[2];
    if (pipe(fds) != 0) {
        return -1;
    }
    pid_t pid = fork();
    if (pid != 0) {
        char b;
        close(fds[1]);
        if (read(fds[0], &b, 1) != 1) {
            pid = -1;
        }
        close(fds[0]);
        return pid;
    }
    close(fds[0]);
    struct coord *c = open_coord();
    struct model_store st;
    model_store_init(&st, c, "test");
    struct model_proxy me;
    make_proxy(&me, id, port);
    char err[512];
    if (model_store_register_proxy(&st, &me, err, sizeof(err)) != 0) {
        printf("# child: %s\n", err);
        _exit(1);
    }
    if (write(fds[1], "x", 1) != 1) {
        _exit(1);
    }
    close(fds[1]);
    for (;;) {
        char **seqs;
        size_t n;
        if (ack && model_store_list_actions(&st, &seqs, &n, err,
                                            sizeof(err)) == 0) {
            for (size_t i = 0; i < n; i++) {
                model_store_ack_action(&st, seqs[i], &me, err, sizeof(err));
            }
            coord_free_names(seqs, n);
        }
        usleep(20000);
    }
}

static void kill_child(pid_t pid)
{
    if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
}

static void test_slots_groups(struct model_store *st)
{
    char err[512];
    tap_int(model_store_setup(st, err, sizeof(err)), 0, "setup");
    tap_int(model_store_load_slots(st, slots, err, sizeof(err)), COORD_NONODE,
            "no slots before init");
    tap_int(store_init_slots(st, false, err, sizeof(err)), 0,
            "init slots");
    tap_int(store_init_slots(st, false, err, sizeof(err)),
            COORD_EXISTS, "init again needs force");
    tap_int(model_store_load_slots(st, slots, err, sizeof(err)), 0,
            "load all slots");
    tap_ok(slots[1023].id == 1023 && slots[1023].group_id == -1 &&
               slots[1023].status == MODEL_SLOT_OFFLINE,
           "slot 1023 is offline");
    slots[7].group_id = 2;
    slots[7].status = MODEL_SLOT_ONLINE;
    tap_int(store_save_slot(st, &slots[7], err, sizeof(err)), 0,
            "save a slot");
    struct model_slot s;
    tap_ok(model_store_load_slot(st, 7, &s, err, sizeof(err)) == 0 &&
               s.group_id == 2 && s.status == MODEL_SLOT_ONLINE,
           "it reads back");
    tap_int(store_create_group(st, 2, err, sizeof(err)), 0,
            "create group");
    tap_int(store_create_group(st, 2, err, sizeof(err)), COORD_EXISTS,
            "twice is refused");
    struct model_server sv = { "127.0.0.1:7001", MODEL_SERVER_SLAVE, 2 };
    store_save_server(st, &sv, err, sizeof(err));
    struct model_server m = { "127.0.0.1:7002", MODEL_SERVER_MASTER, 2 };
    store_save_server(st, &m, err, sizeof(err));
    struct model_group *groups;
    size_t n;
    tap_int(model_store_load_groups(st, &groups, &n, err, sizeof(err)), 0,
            "load groups");
    tap_ok(n == 1 && groups[0].count == 2 &&
               groups[0].servers[0].type == MODEL_SERVER_MASTER,
           "one group, master listed first");
    model_store_free_groups(groups, n);
    tap_int(store_remove_server(st, 2, "127.0.0.1:7001", err,
                                sizeof(err)), 0, "remove server");
    tap_int(store_remove_server(st, 2, "127.0.0.1:7001", err,
                                sizeof(err)), COORD_NONODE,
            "a missing server is NONODE");
    tap_int(store_remove_group(st, 2, err, sizeof(err)), 0,
            "remove group with its servers");
    struct model_group g;
    tap_int(model_store_load_group(st, 2, &g, err, sizeof(err)), COORD_NONODE,
            "it is gone");
}

static void test_actions(struct model_store *st)
{
    char err[512];
    char seq[64];
    cJSON *target = cJSON_CreateObject();
    tap_int(store_post_action(st, MODEL_ACTION_SLOT_CHANGED, target,
                              true, seq, sizeof(seq), err, sizeof(err)),
            0, "an action with no proxies succeeds at once");
    struct model_action a;
    tap_ok(model_store_load_action(st, seq, &a, err, sizeof(err)) == 0 &&
               a.type == MODEL_ACTION_SLOT_CHANGED && a.nreceivers == 0,
           "the action is stored");
    model_action_release(&a);

    pid_t p1 = spawn_proxy("proxy_1", 19000, true);
    pid_t p2 = spawn_proxy("proxy_2", 19010, true);
    tap_ok(p1 > 0 && p2 > 0, "two proxies registered");
    st->action_timeout_ms = 5000;
    tap_int(store_post_action(st, MODEL_ACTION_SLOT_CHANGED, target,
                              true, seq, sizeof(seq), err, sizeof(err)),
            0, "both proxies acknowledge");
    if (model_store_load_action(st, seq, &a, err, sizeof(err)) == 0) {
        tap_int(a.nreceivers, 2, "both were receivers");
        model_action_release(&a);
    }
    kill_child(p2);
    tap_int(store_remove_fences(st, err, sizeof(err)), 0,
            "remove the fence of a proxy that died");

    pid_t p3 = spawn_proxy("proxy_3", 19020, false);
    st->action_timeout_ms = 300;
    int rc = store_post_action(st, MODEL_ACTION_SLOT_CHANGED, target,
                               true, seq, sizeof(seq), err,
                               sizeof(err));
    tap_int(rc, MODEL_STORE_TIMEOUT, "a silent proxy makes the action fail");
    tap_ok(strstr(err, "receiver timeout") && strstr(err, "proxy_3") &&
               !strstr(err, "proxy_1"),
           "naming only the silent proxy");
    struct model_proxy p;
    tap_ok(model_store_load_proxy(st, "proxy_3", &p, err, sizeof(err)) == 0 &&
               p.state == MODEL_PROXY_OFFLINE &&
               strncmp(p.last_event, "missed action", 13) == 0,
           "which is set offline for the missed action");
    kill_child(p3);

    /* proxy_3 died without cleaning up: its fence stays */
    rc = store_post_action(st, MODEL_ACTION_SLOT_CHANGED, target, true,
                           seq, sizeof(seq), err, sizeof(err));
    tap_int(rc, MODEL_STORE_FENCED, "stale fences block confirmed actions");
    tap_ok(strstr(err, "Some proxies may not stop cleanly") &&
               strstr(err, "127.0.0.1:19020") &&
               !strstr(err, "127.0.0.1:19000"),
           "naming the dead proxy's address");
    tap_int(store_post_action(st, MODEL_ACTION_GROUP_REMOVE, target,
                              false, seq, sizeof(seq), err,
                              sizeof(err)),
            0, "unconfirmed actions skip the fence check");
    tap_int(store_remove_fences(st, err, sizeof(err)), 0,
            "remove fences");
    st->action_timeout_ms = 5000;
    tap_int(store_post_action(st, MODEL_ACTION_SLOT_CHANGED, target,
                              true, seq, sizeof(seq), err, sizeof(err)),
            0, "then confirmed actions work again");
    kill_child(p1);
    cJSON_Delete(target);

    char **seqs;
    size_t n;
    model_store_list_actions(st, &seqs, &n, err, sizeof(err));
    coord_free_names(seqs, n);
    tap_ok(n >= 4, "actions accumulate");
    tap_int(store_gc_keep(st, 2, err, sizeof(err)), 0, "gc keep 2");
    model_store_list_actions(st, &seqs, &n, err, sizeof(err));
    tap_ok(n == 2 && strcmp(seqs[1], seq) == 0, "the newest two are kept");
    coord_free_names(seqs, n);
    tap_int(store_gc_age(st, 3600, err, sizeof(err)), 0,
            "gc by age");
    model_store_list_actions(st, &seqs, &n, err, sizeof(err));
    coord_free_names(seqs, n);
    tap_int(n, 2, "young actions stay");
}

static void test_dashboard_lock(struct model_store *st)
{
    char err[512];
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, (struct sockaddr *)&sa, sizeof(sa));
    listen(fd, 4);
    socklen_t sl = sizeof(sa);
    getsockname(fd, (struct sockaddr *)&sa, &sl);
    char addr[64];
    snprintf(addr, sizeof(addr), "127.0.0.1:%d", ntohs(sa.sin_port));
    tap_int(store_register_dashboard(st, addr, err, sizeof(err)), 0,
            "register the dashboard");
    tap_int(store_register_dashboard(st, "127.0.0.1:1", err,
                                     sizeof(err)),
            COORD_EXISTS, "a live dashboard blocks a second");
    tap_ok(strstr(err, "dashboard already exists") && strstr(err, addr),
           "naming it");
    close(fd);
    tap_int(store_register_dashboard(st, "127.0.0.1:2", err,
                                     sizeof(err)),
            0, "a dashboard that stopped answering is replaced");
    tap_int(store_unregister_dashboard(st), 0, "unregister");

    char held[MODEL_PATH_MAX];
    char held2[MODEL_PATH_MAX];
    tap_int(store_lock(st, "test", held, sizeof(held), err,
                       sizeof(err)), 0, "take the lock");
    tap_int(store_lock(st, "test", held2, sizeof(held2), err,
                       sizeof(err)),
            COORD_LOCKED, "a second take fails");
    tap_ok(strstr(err, "obtaining lock timed out") != NULL, "Codis's words");
    store_unlock(st, held);
    tap_int(store_lock(st, "test", held, sizeof(held), err,
                       sizeof(err)), 0, "free again after unlock");
    tap_int(store_remove_locks(st, err, sizeof(err)), 0,
            "remove-lock");
    tap_int(store_lock(st, "test", held, sizeof(held), err,
                       sizeof(err)), 0, "free after remove-lock");
    store_unlock(st, held);
}

static void test_migrate_tasks(struct model_store *st)
{
    char err[512];
    char seq[64];
    struct model_migrate_task t;
    memset(&t, 0, sizeof(t));
    t.slot_id = 7;
    t.new_group = 2;
    t.delay = 5;
    snprintf(t.create_at, sizeof(t.create_at), "1700000000");
    snprintf(t.status, sizeof(t.status), "pending");
    tap_int(store_add_migrate_task(st, &t, seq, sizeof(seq), err,
                                   sizeof(err)), 0, "queue a task");
    tap_str(seq, "0000000000", "its name is the first sequence");
    t.slot_id = 8;
    tap_int(store_add_migrate_task(st, &t, NULL, 0, err, sizeof(err)),
            0, "queue another");
    char **seqs;
    size_t n;
    tap_int(store_list_migrate_tasks(st, &seqs, &n, err, sizeof(err)),
            0, "list tasks");
    tap_ok(n == 2 && strcmp(seqs[0], "0000000000") == 0 &&
               strcmp(seqs[1], "0000000001") == 0,
           "oldest first");
    coord_free_names(seqs, n);
    struct model_migrate_task back;
    tap_int(store_load_migrate_task(st, "0000000000", &back, err,
                                    sizeof(err)), 0, "load a task");
    tap_int(back.slot_id, 7, "its slot");
    snprintf(back.status, sizeof(back.status), "error");
    snprintf(back.error, sizeof(back.error), "group 2 has no master");
    tap_int(store_save_migrate_task(st, "0000000000", &back, err,
                                    sizeof(err)), 0, "save a task");
    tap_int(store_load_migrate_task(st, "0000000000", &back, err,
                                    sizeof(err)), 0, "load it again");
    tap_str(back.error, "group 2 has no master", "the error is kept");
    tap_int(store_remove_migrate_task(st, "0000000000", err,
                                      sizeof(err)), 0, "remove it");
    tap_int(store_remove_migrate_task(st, "0000000000", err,
                                      sizeof(err)), 0,
            "removing a gone task is fine");
    tap_int(store_load_migrate_task(st, "0000000000", &back, err,
                                    sizeof(err)), COORD_NONODE,
            "a gone task is not found");
    tap_str(err, "migrate task 0000000000 does not exist", "and named");
    tap_int(store_save_migrate_task(st, "0000000000", &back, err,
                                    sizeof(err)), COORD_NONODE,
            "a gone task is not recreated by a save");
    tap_int(store_remove_migrate_task(st, "0000000001", err,
                                      sizeof(err)), 0,
            "remove the other");
}

int main(void)
{
    log_set_level(LOG_ERROR);
    if (mkdtemp(dir) == NULL) {
        return 1;
    }
    struct coord *c = open_coord();
    if (!tap_ok(c != NULL, "open the embedded coordinator")) {
        return tap_done();
    }
    struct model_store st;
    model_store_init(&st, c, "test");
    st.poll_ms = 20;
    test_slots_groups(&st);
    test_actions(&st);
    test_dashboard_lock(&st);
    test_migrate_tasks(&st);
    coord_close(c);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if (system(cmd) != 0) {
        printf("# cannot remove %s\n", dir);
    }
    return tap_done();
}
