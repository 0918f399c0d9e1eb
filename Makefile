# Build, test and run codis: one binary, role symlinks, TAP tests.
#
#   make            build bin/codis and bin/codis-<role> for each roles/<role>/
#   make deps       install missing Debian packages (as root), else list them
#   make test       deps + build + prove over t/
#   make test-stress the same tests while stress-ng loads every core
#   make asan       the same tests against an AddressSanitizer+UBSan build
#   make fuzz       build the libFuzzer targets t/fuzz/fuzz_*.c with clang,
#                   ASan and UBSan, and run each for FUZZ_SECONDS (60)
#   make bench      side-by-side benchmarks in bench/
#   make run        deps + build + a whole local cluster under $(RUN_DIR)
#                   (COORDINATOR=zookeeper ZK=host:port for ZooKeeper)
#   make stop       stop exactly what `make run` started
#   make install    bin/codis, its role symlinks and conf/ under $(PREFIX);
#                   config.ini and redis.conf under $(SYSCONFDIR)
#   make install-conf  also the systemd units, SysV scripts, supervisord
#                   programs and logrotate file where those tools look
#   make clean      remove build products
#   make MALLOC=libc  build with the C library's malloc instead of jemalloc

CC       ?= cc
BUILD    ?= build
BIN      ?= bin
UNIT_DIR ?= t/unit
OPT      ?= -O2 -g
SANITIZE ?=
# test, test-stress and run compile with one job per core; the tests
# mostly wait on processes they start, so prove runs twice as many.
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
PROVE_JOBS ?= $(shell echo $$(( $(JOBS) * 2 )))
RUN_DIR  ?= run
COORDINATOR ?= filesystem
ZK       ?=
PREFIX   ?= /usr/local
# /etc/codis for the system prefixes, else inside the prefix (a private
# tree such as /opt/codis keeps everything in it).
SYSCONFDIR ?= $(if $(filter /usr /usr/local,$(patsubst %/,%,$(PREFIX))),/etc/codis,$(PREFIX)/etc/codis)
# Where each init system looks; used by install-conf only.
SYSTEMDDIR ?= /lib/systemd/system
INITDIR    ?= /etc/init.d
SUPERVISORDIR ?= /etc/supervisor/conf.d
LOGROTATEDIR ?= /etc/logrotate.d

# What `--version` prints: git describe of the checkout and the build day.
VERSION  ?= $(shell git describe --always --dirty 2>/dev/null || echo unknown) \
            (built $(shell date -u +%Y-%m-%d))

# Lua 5.1 for scripting, with Debian's cjson and bitop modules linked in;
# libcrypto for the dashboard's password hashes.
LUA_PKGS    := lua5.1 lua5.1-cjson lua5.1-bitop
PKGS_CFLAGS := $(shell pkg-config --cflags libevent libcjson libcurl libcrypto $(LUA_PKGS) 2>/dev/null)
PKGS_LIBS   := $(shell pkg-config --libs libevent libevent_pthreads libcjson libcurl libcrypto $(LUA_PKGS) 2>/dev/null)

CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter \
           $(OPT) $(SANITIZE) -I. -I$(BUILD) -I/usr/include/zookeeper $(PKGS_CFLAGS)
LDFLAGS += $(SANITIZE)
LDLIBS  += $(PKGS_LIBS) -lzookeeper_mt -lpthread -lm

# The allocator, as Redis picks it: jemalloc (Debian's libjemalloc) for
# lower fragmentation and its statistics in INFO memory; MALLOC=libc
# builds with the C library's malloc. Sanitizer builds use libc, whose
# malloc the sanitizers replace.
MALLOC ?= $(if $(SANITIZE),libc,jemalloc)
ifeq ($(MALLOC),jemalloc)
LDLIBS  += -ljemalloc
MALLOC_CFLAGS := -DMEM_JEMALLOC
else ifneq ($(MALLOC),libc)
$(error MALLOC must be jemalloc or libc, not '$(MALLOC)')
endif

# Every role is a folder under roles/; its symlink appears when the folder does.
ROLES    := $(notdir $(wildcard roles/*))
LIB_SRC  := $(wildcard lib/*.c redis/*.c $(foreach r,$(ROLES),roles/$(r)/*.c))
GEN_SRC  := $(BUILD)/web_assets.c
WEB_FILES := $(sort $(wildcard web/*))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(GEN_SRC:.c=.o)
UNIT_SRC := $(wildcard t/unit/*_test.c)
UNIT_BIN := $(UNIT_SRC:t/unit/%.c=$(UNIT_DIR)/%.t)
# Helper programs the shell tests call (not tests themselves).
UNIT_TOOLS := $(UNIT_DIR)/coord_tool

DEB_PKGS := build-essential pkg-config libevent-dev libzookeeper-mt-dev libcjson-dev \
            libcurl4-openssl-dev libssl-dev zookeeper redis-tools redis-server \
            nutcracker python3-redis curl procps supervisor chromium stress-ng \
            liblua5.1-0-dev lua-cjson-dev lua-bitop-dev libjemalloc-dev
# Only make fuzz needs these (clang's libFuzzer and its runtime).
FUZZ_PKGS := clang llvm libclang-rt-dev

.PHONY: all deps test test-stress check asan fuzz fuzz-build fuzz-run bench \
        run stop clean install install-conf

all: $(BIN)/codis $(addprefix $(BIN)/codis-,$(ROLES)) $(UNIT_BIN) $(UNIT_TOOLS)

$(BIN)/codis: $(BUILD)/codis.o $(BUILD)/libcodis.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/codis-%: $(BIN)/codis
	ln -sf codis $@

$(BUILD)/libcodis.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c $(wildcard lib/*.h redis/*.h roles/*/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

# codis.o and server_main.o (codis-server --version) are rebuilt when
# the version changes (a new commit), as web/'s file list does for the
# embedded assets below.
VERSION_FILE := $(BUILD)/version
$(shell mkdir -p $(BUILD) && echo '$(VERSION)' | cmp -s - $(VERSION_FILE) || \
        echo '$(VERSION)' > $(VERSION_FILE))
$(BUILD)/codis.o $(BUILD)/roles/server/server_main.o: \
    CFLAGS += -DCODIS_VERSION='"$(VERSION)"'
$(BUILD)/codis.o $(BUILD)/roles/server/server_main.o: $(VERSION_FILE)

# lib/mem.o is rebuilt when MALLOC changes.
MALLOC_FILE := $(BUILD)/malloc
$(shell mkdir -p $(BUILD) && echo '$(MALLOC)' | cmp -s - $(MALLOC_FILE) || \
        echo '$(MALLOC)' > $(MALLOC_FILE))
$(BUILD)/lib/mem.o: CFLAGS += $(MALLOC_CFLAGS)
$(BUILD)/lib/mem.o: $(MALLOC_FILE)

$(BUILD)/web_assets.o: $(BUILD)/web_assets.c
	$(CC) $(CFLAGS) -c -o $@ $<

# web/ is embedded into the binary: one C array per file, found by name.
# The list of files is a prerequisite too, so adding or removing one
# regenerates the table even when no file is newer.
WEB_LIST := $(BUILD)/web_files.list
$(shell mkdir -p $(BUILD) && echo '$(WEB_FILES)' | cmp -s - $(WEB_LIST) || \
        echo '$(WEB_FILES)' > $(WEB_LIST))
$(BUILD)/web_assets.c: tools/embed.sh $(WEB_FILES) $(WEB_LIST)
	@mkdir -p $(@D)
	sh tools/embed.sh $(WEB_FILES) > $@

# A unit test or test tool: one C file linked with the library.
define link_unit
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libcodis.a $(LDLIBS)
endef

$(UNIT_DIR)/%.t: t/unit/%.c t/unit/tap.h $(BUILD)/libcodis.a
	$(link_unit)

$(UNIT_DIR)/coord_tool: t/unit/coord_tool.c $(BUILD)/libcodis.a
	$(link_unit)

deps:
	@sh tools/deps.sh $(DEB_PKGS)

test: deps
	$(MAKE) -j$(JOBS) all
	$(MAKE) check

# --comments: a failing test prints its body and last output lines as TAP
# comments (passing ones print none), so the log of a run says why.
# Scripts run from the highest number down: the fault, page and
# end-to-end families take longest, and started last they would run on
# alone after the rest had finished. One ZooKeeper serves the whole run
# (t/zk-server.sh share; each script gets a chroot of its own), instead
# of a JVM per script.
TEST_SCRIPTS = $(shell ls -r t/[0-9]*.sh)
check: all
	CODIS_BIN_DIR=$(abspath $(BIN)) CODIS_UNIT_DIR=$(abspath $(UNIT_DIR)) \
	    sh t/zk-server.sh share \
	    prove -j$(PROVE_JOBS) --timer --comments $(TEST_SCRIPTS) $(UNIT_BIN)

test-stress: deps
	$(MAKE) -j$(JOBS) all
	sh tools/stress.sh $(MAKE) check

ASAN_VARS := BUILD=build-asan BIN=build-asan/bin UNIT_DIR=build-asan/unit \
    OPT="-O1 -g" SANITIZE="-fsanitize=address,undefined -fno-omit-frame-pointer"
asan: deps
	$(MAKE) -j$(JOBS) $(ASAN_VARS) all
	$(MAKE) $(ASAN_VARS) check

# Fuzzing. The library is built again by clang with ASan, UBSan (any
# undefined behaviour aborts) and libFuzzer's coverage hooks in its own
# directory, never mixed with $(BUILD); each t/fuzz/fuzz_<name>.c links
# with it into $(FUZZ_BUILD)/fuzz/fuzz_<name>. fuzz-run runs the targets
# one after another for FUZZ_SECONDS each, starting from the seeds in
# t/fuzz/corpus/<name>/ (read only), with the tokens of t/fuzz/<name>.dict
# if there is one, and keeping what it finds in
# $(FUZZ_BUILD)/corpus/<name>/; a crash, leak, timeout or failed check
# stops it with the input saved under $(FUZZ_BUILD)/artifacts/ and the
# log's tail printed. Replay one input: $(FUZZ_BUILD)/fuzz/fuzz_<name> FILE
FUZZ_CC      ?= clang
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_FLAGS   ?= -timeout=30 -rss_limit_mb=2048
FUZZ_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
                 -fno-omit-frame-pointer
FUZZ_NAMES   := $(patsubst t/fuzz/fuzz_%.c,%,$(wildcard t/fuzz/fuzz_*.c))

fuzz: deps
	@sh tools/deps.sh $(FUZZ_PKGS)
	$(MAKE) fuzz-build
	$(MAKE) fuzz-run

fuzz-build:
	$(MAKE) -j$(JOBS) BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) OPT="-O1 -g" \
	    SANITIZE="$(FUZZ_SANITIZE) -fsanitize=fuzzer-no-link" \
	    $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz/fuzz_%)

$(BUILD)/fuzz/fuzz_%: t/fuzz/fuzz_%.c t/fuzz/fuzz.h $(BUILD)/libcodis.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -fsanitize=fuzzer $(LDFLAGS) -o $@ $< $(BUILD)/libcodis.a \
	    $(LDLIBS)

fuzz-run:
	@dir=$(abspath $(FUZZ_BUILD)); for t in $(FUZZ_NAMES); do \
	    mkdir -p $$dir/corpus/$$t $$dir/artifacts $$dir/logs || exit 1; \
	    echo "fuzz: $$t for $(FUZZ_SECONDS) s (log $(FUZZ_BUILD)/logs/$$t.log)"; \
	    dict=; [ -f t/fuzz/$$t.dict ] && dict=-dict=t/fuzz/$$t.dict; \
	    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    $$dir/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) \
	        -print_final_stats=1 $(FUZZ_FLAGS) $$dict \
	        -artifact_prefix=$$dir/artifacts/$$t- \
	        $$dir/corpus/$$t $(abspath t/fuzz/corpus)/$$t \
	        > $$dir/logs/$$t.log 2>&1; \
	    rc=$$?; \
	    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)' \
	        $$dir/logs/$$t.log | sed "s/^/fuzz: $$t /"; \
	    if [ $$rc != 0 ]; then tail -n 60 $$dir/logs/$$t.log; \
	        echo "fuzz: $$t FAILED (exit $$rc), see $(FUZZ_BUILD)/logs/$$t.log"; \
	        exit 1; fi; \
	done

bench: all
	@for b in bench/*.sh; do sh $$b || exit 1; done

run: deps
	$(MAKE) -j$(JOBS) all
	$(BIN)/codis demo --dir=$(RUN_DIR) --coordinator=$(COORDINATOR) $(if $(ZK),--zk=$(ZK))

stop:
	@if [ -x $(BIN)/codis ]; then $(BIN)/codis demo stop --dir=$(RUN_DIR); \
	 else echo "nothing to stop: $(BIN)/codis is not built"; fi

# The binary, a symlink per role, and conf/ with @BINDIR@ and @SYSCONFDIR@
# filled in under share/codis/conf; config.ini and redis.conf go to
# $(SYSCONFDIR) unless present. Nothing outside PREFIX and SYSCONFDIR.
SHARE_CONF = $(DESTDIR)$(PREFIX)/share/codis/conf
install: $(BIN)/codis
	install -d $(DESTDIR)$(PREFIX)/bin $(SHARE_CONF) $(DESTDIR)$(SYSCONFDIR)
	install -m 755 $(BIN)/codis $(DESTDIR)$(PREFIX)/bin/codis
	for r in $(ROLES); do ln -sf codis $(DESTDIR)$(PREFIX)/bin/codis-$$r; done
	cd conf && find . -type f | while read -r f; do \
	    install -d "$(SHARE_CONF)/$$(dirname "$$f")" && \
	    sed -e 's|@BINDIR@|$(PREFIX)/bin|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' "$$f" \
	        > "$(SHARE_CONF)/$$f" && \
	    chmod --reference="$$f" "$(SHARE_CONF)/$$f" || exit 1; done
	for f in config.ini redis.conf; do [ -e $(DESTDIR)$(SYSCONFDIR)/$$f ] || \
	    install -m 644 $(SHARE_CONF)/$$f $(DESTDIR)$(SYSCONFDIR)/$$f; done

# The filled-in init files, each where its init system looks: systemd
# units, the SysV script once per role (its name picks the role), the
# supervisord programs and the logrotate file. Run `systemctl
# daemon-reload` or `supervisorctl update` afterwards.
INIT_ROLES := server dashboard proxy ha
install-conf: install
	install -d $(DESTDIR)$(SYSTEMDDIR) $(DESTDIR)$(INITDIR) \
	    $(DESTDIR)$(SUPERVISORDIR) $(DESTDIR)$(LOGROTATEDIR)
	install -m 644 $(SHARE_CONF)/systemd/*.service $(DESTDIR)$(SYSTEMDDIR)/
	for r in $(INIT_ROLES); do \
	    install -m 755 $(SHARE_CONF)/init.d/codis $(DESTDIR)$(INITDIR)/codis-$$r || exit 1; done
	install -m 644 $(SHARE_CONF)/supervisor/codis.conf $(DESTDIR)$(SUPERVISORDIR)/codis.conf
	install -m 644 $(SHARE_CONF)/logrotate $(DESTDIR)$(LOGROTATEDIR)/codis

clean:
	rm -rf build build-asan $(FUZZ_BUILD) bin $(UNIT_DIR)/*.t $(UNIT_TOOLS)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
