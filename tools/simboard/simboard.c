/*
 * simboard -- a simulated Arduino Uno (ATmega328P) on simavr's library.
 *
 * UART0 is bridged to a pty, a TCP socket or stdin/stdout; writes to GPIOR0
 * are reported with their exact cycle count; flash and EEPROM can persist
 * across runs (power cycle) and be dumped on request.
 * See README.md in this directory for the CLI and the protocol lines.
 *
 * Part of jlforth (MIT licence).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <simavr/sim_avr.h>
#include <simavr/sim_io.h>
#include <simavr/avr_uart.h>
#include <simavr/avr_eeprom.h>

enum { EXIT_OK = 0, EXIT_USAGE = 1, EXIT_CRASH = 2, EXIT_TIMEOUT = 3, EXIT_MAXCYC = 4 };
enum { MODE_PTY, MODE_TCP, MODE_STDIO };

#define GPIOR0_DATA   0x3E          /* data-space address of GPIOR0 (I/O 0x1E) */
#define BATCH         4096          /* instructions between host I/O checks */
#define OUT_HIGH      (64 * 1024)   /* output backlog that stalls the CPU (flow control) */
#define INQ_SIZE      (64 * 1024)
#define IDLE_GRACE    64            /* idle batches before we start sleeping */
#define IDLE_SLEEP_MS 2

static struct {
    const char *mcu, *firmware, *eeprom_hex, *state_dir;
    const char *dump_flash, *dump_eeprom, *markers;
    uint32_t freq, reset_pc;
    int mode, tcp_port, wait_first, verbose, die_with_parent, realtime;
    double timeout;
    uint64_t max_cycles;
} opt = {
    .mcu = "atmega328p", .freq = 16000000, .reset_pc = 0x7E00,
    .mode = MODE_PTY, .wait_first = 1,
};

static avr_t *avr;
static avr_uart_t *uart0;
static FILE *proto;           /* PTY/TCP/READY/EXIT/DUMPED lines */
static FILE *markf;           /* MARK lines */
static int host_in = -1, host_out = -1, listen_fd = -1, pty_slave = -1;
static int stdin_eof;

static volatile sig_atomic_t sig_reset, sig_dump, sig_term;
/* Our signals stay blocked except inside ppoll(), so a flag can never be
 * set between checking it and going to sleep. */
static sigset_t poll_mask;

static int sig_pending(void)
{
    return sig_term || sig_dump || sig_reset;
}

static int xpoll(struct pollfd *p, int n, int ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    if (ms != 0 && sig_pending())
        return 0;
    return ppoll(p, n, ms < 0 ? NULL : &ts, &poll_mask);
}

/* Host -> firmware queue (bytes not yet accepted by the UART FIFO). */
static uint8_t inq[INQ_SIZE];
static size_t inq_head, inq_tail;
/* Firmware -> host backlog. */
static uint8_t *outbuf;
static size_t out_len, out_cap;

/* Per-batch activity counters, for idle detection. */
static unsigned long ucsra_reads, sleep_calls, out_bytes;

/* Images kept when simavr frees its own at cli;sleep (avr_terminate). */
static uint8_t *snap_flash, *snap_ee;
static uint32_t flash_size, ee_size;

static uint8_t (*uart_status_read)(avr_t *, avr_io_addr_t, void *);
static void *uart_status_param;

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "simboard: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(EXIT_USAGE);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* simavr logs through printf-like calls; keep them off our protocol streams. */
static void logger(avr_t *a, const int level, const char *fmt, va_list ap)
{
    (void)a;
    if (level <= (opt.verbose ? LOG_TRACE : LOG_ERROR))
        vfprintf(stderr, fmt, ap);
}

/* ---------------------------------------------------------------- images */

static int hexval(const char *s, int n, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < n; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9' ? c - '0'
              : c >= 'A' && c <= 'F' ? c - 'A' + 10
              : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0)
            return -1;
        v = v << 4 | d;
    }
    *out = v;
    return 0;
}

/* Our own Intel HEX reader: simavr's rejects type 03 records and keeps
 * chunks apart. Addresses >= 0x810000 are EEPROM (avr-objcopy convention). */
static void load_hex(const char *path, uint8_t *flash, uint8_t *ee, int ee_only)
{
    FILE *f = fopen(path, "r");
    if (!f)
        die("cannot open %s: %s", path, strerror(errno));
    char line[600];
    uint32_t base = 0;
    int lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\r' || *p == '\n' || !*p)
            continue;
        uint32_t n, addr, type, b, sum = 0;
        if (*p != ':' || hexval(p + 1, 2, &n) || hexval(p + 3, 4, &addr) || hexval(p + 7, 2, &type))
            die("%s:%d: bad HEX record", path, lineno);
        uint8_t data[256];
        for (uint32_t i = 0; i < n + 1; i++) {
            if (hexval(p + 9 + 2 * i, 2, &b))
                die("%s:%d: bad HEX record", path, lineno);
            if (i < n)
                data[i] = b;
            sum += b;
        }
        sum += n + (addr >> 8) + (addr & 0xFF) + type;
        if (sum & 0xFF)
            die("%s:%d: HEX checksum error", path, lineno);
        if (type == 1)
            break;
        if (type == 2 && n == 2)
            base = (data[0] << 8 | data[1]) << 4;
        else if (type == 4 && n == 2)
            base = (uint32_t)(data[0] << 8 | data[1]) << 16;
        else if (type == 0) {
            for (uint32_t i = 0; i < n; i++) {
                uint32_t a = base + addr + i;
                if (ee_only && a < 0x810000)
                    a += 0x810000;      /* a .eep file addressed from 0 */
                if (a >= 0x810000 && a - 0x810000 < ee_size && ee) {
                    ee[a - 0x810000] = data[i];
                } else if (a < flash_size && flash)
                    flash[a] = data[i];
                else
                    die("%s:%d: address 0x%x outside flash/EEPROM", path, lineno, a);
            }
        }
        /* types 3 and 5 (start address) mean nothing on an AVR: ignored */
    }
    fclose(f);
}

static int read_file(const char *path, uint8_t *buf, size_t size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t got = fread(buf, 1, size, f);
    fclose(f);
    if (got != size)
        die("%s: expected %zu bytes, got %zu", path, size, got);
    return 1;
}

/* Write via a temp file + rename, so a reader never sees a half-written image. */
static void write_file(const char *path, const uint8_t *buf, size_t size)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp%d", path, (int)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f || fwrite(buf, 1, size, f) != size || fclose(f) != 0) {
        fprintf(stderr, "simboard: cannot write %s: %s\n", path, strerror(errno));
        return;
    }
    if (rename(tmp, path) != 0)
        fprintf(stderr, "simboard: cannot rename %s: %s\n", tmp, strerror(errno));
}

static void get_eeprom(uint8_t *buf)
{
    avr_eeprom_desc_t d = { .ee = buf, .offset = 0, .size = ee_size };
    avr_ioctl(avr, AVR_IOCTL_EEPROM_GET, &d);
    if (d.ee != buf)    /* some versions hand back a pointer instead of copying */
        memcpy(buf, d.ee, ee_size);
}

static void set_eeprom(uint8_t *buf)
{
    avr_eeprom_desc_t d = { .ee = buf, .offset = 0, .size = ee_size };
    avr_ioctl(avr, AVR_IOCTL_EEPROM_SET, &d);
}

/* Current images: live ones while simavr runs, the snapshot after it terminated. */
static void current_images(const uint8_t **fl, const uint8_t **ee)
{
    static uint8_t *ee_buf;
    if (snap_flash) {
        *fl = snap_flash;
        *ee = snap_ee;
        return;
    }
    if (!ee_buf)
        ee_buf = malloc(ee_size);
    get_eeprom(ee_buf);
    *fl = avr->flash;
    *ee = ee_buf;
}

static void write_dumps(int with_state)
{
    const uint8_t *fl, *ee;
    current_images(&fl, &ee);
    if (opt.dump_flash)
        write_file(opt.dump_flash, fl, flash_size);
    if (opt.dump_eeprom)
        write_file(opt.dump_eeprom, ee, ee_size);
    if (with_state && opt.state_dir) {
        char p[4096];
        snprintf(p, sizeof p, "%s/flash.bin", opt.state_dir);
        write_file(p, fl, flash_size);
        snprintf(p, sizeof p, "%s/eeprom.bin", opt.state_dir);
        write_file(p, ee, ee_size);
    }
}

/* avr_terminate() (run on cli;sleep) frees flash and the EEPROM module; this
 * hook runs first, so we keep copies for the final dumps. */
static void on_terminate(avr_t *a, void *data)
{
    (void)data;
    snap_flash = malloc(flash_size);
    snap_ee = malloc(ee_size);
    memcpy(snap_flash, a->flash, flash_size);
    get_eeprom(snap_ee);
}

/* ------------------------------------------------------------- callbacks */

static void on_marker(avr_t *a, avr_io_addr_t addr, uint8_t v, void *param)
{
    (void)param;
    a->data[addr] = v;
    fprintf(markf, "MARK %u %" PRIu64 "\n", v, (uint64_t)a->cycle);
    fflush(markf);
}

static void on_uart_out(struct avr_irq_t *irq, uint32_t value, void *param)
{
    (void)irq; (void)param;
    if (out_len == out_cap) {
        out_cap = out_cap ? out_cap * 2 : 4096;
        outbuf = realloc(outbuf, out_cap);
    }
    outbuf[out_len++] = value;
    out_bytes++;
}

/* Wraps simavr's own UCSR0A read hook: counts status polls for idle detection. */
static uint8_t on_ucsra_read(avr_t *a, avr_io_addr_t addr, void *param)
{
    ucsra_reads++;
    return uart_status_read ? uart_status_read(a, addr, param) : a->data[addr];
}

/* Replaces simavr's sleep callback, which usleep()s to keep real time. */
static void on_sleep(avr_t *a, avr_cycle_count_t how_long)
{
    (void)a; (void)how_long;
    sleep_calls++;
}

static void on_signal(int sig)
{
    if (sig == SIGUSR1)
        sig_reset = 1;
    else if (sig == SIGUSR2)
        sig_dump = 1;
    else
        sig_term = 1;
}

/* ------------------------------------------------------------- host side */

static void set_nonblock(int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static void setup_bridge(void)
{
    if (opt.mode == MODE_PTY) {
        int master;
        char name[256];
        struct termios t;
        if (openpty(&master, &pty_slave, name, NULL, NULL) < 0)
            die("openpty: %s", strerror(errno));
        tcgetattr(pty_slave, &t);
        cfmakeraw(&t);
        cfsetspeed(&t, B38400);
        tcsetattr(pty_slave, TCSANOW, &t);
        /* We keep the slave open ourselves: otherwise the master reports
         * hangup (EIO/POLLHUP) whenever the client closes or reopens it. */
        set_nonblock(master);
        host_in = host_out = master;
        fprintf(proto, "PTY %s\n", name);
    } else if (opt.mode == MODE_TCP) {
        struct sockaddr_in sa = { .sin_family = AF_INET };
        socklen_t len = sizeof sa;
        int one = 1;
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        sa.sin_port = htons(opt.tcp_port);
        listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(listen_fd, 1) < 0)
            die("tcp port %d: %s", opt.tcp_port, strerror(errno));
        getsockname(listen_fd, (struct sockaddr *)&sa, &len);
        fprintf(proto, "TCP 127.0.0.1:%d\n", ntohs(sa.sin_port));
    } else {
        host_in = 0;    /* host_out: the saved stdout, set in main */
    }
    fprintf(proto, "READY\n");
    fflush(proto);
}

/* Read what the host sent; returns -1 on hangup. */
static int host_read(void)
{
    if (host_in < 0 || stdin_eof)
        return 0;
    if (inq_head > 0) {     /* compact the queue */
        memmove(inq, inq + inq_head, inq_tail - inq_head);
        inq_tail -= inq_head;
        inq_head = 0;
    }
    size_t room = INQ_SIZE - inq_tail;
    if (room == 0)
        return 0;
    struct pollfd p = { .fd = host_in, .events = POLLIN };
    if (xpoll(&p, 1, 0) <= 0 || !(p.revents & (POLLIN | POLLHUP | POLLERR)))
        return 0;
    ssize_t n = read(host_in, inq + inq_tail, room);
    if (n > 0) {
        inq_tail += n;
        return (int)n;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR || errno == EIO))
        return 0;   /* EIO: pty slave momentarily closed; not a hangup */
    if (opt.mode == MODE_STDIO) {
        stdin_eof = 1;
        return 0;
    }
    return -1;
}

static void host_flush(void)
{
    if (!out_len || host_out < 0)
        return;
    ssize_t n = write(host_out, outbuf, out_len);
    if (n > 0) {
        memmove(outbuf, outbuf + n, out_len - n);
        out_len -= n;
    }
}

static int uart_rx_enabled(void)
{
    return uart0 && avr_regbit_get(avr, uart0->rxen);
}

/* Room in simavr's UART input FIFO (64 entries, one kept free). We look at
 * the FIFO itself rather than XON/XOFF: XON comes from UART register hooks,
 * so it depends on how the firmware polls. */
#define UART_FIFO_SIZE (sizeof uart0->input.buffer / sizeof uart0->input.buffer[0])
static int uart_fifo_room(void)
{
    unsigned used = (uart0->input.write + UART_FIFO_SIZE - uart0->input.read) & (UART_FIFO_SIZE - 1);
    return (int)(UART_FIFO_SIZE - 1 - used);
}

static int uart_fifo_empty(void)
{
    return uart0->input.write == uart0->input.read;
}

/* Hand queued host bytes to the UART. Only while the receiver is enabled
 * (simavr drops bytes otherwise) and while its FIFO has room. */
static void feed_uart(avr_irq_t *in_irq)
{
    if (inq_head == inq_tail || !uart_rx_enabled())
        return;
    int room = uart_fifo_room();
    while (room-- > 0 && inq_head != inq_tail)
        avr_raise_irq(in_irq, inq[inq_head++]);
}

/* Block until the host does something or ms elapse (ms < 0: forever). */
static void wait_host(int ms, int want_out)
{
    struct pollfd p[2];
    int n = 0;
    if (opt.mode == MODE_TCP && host_in < 0)
        p[n++] = (struct pollfd){ .fd = listen_fd, .events = POLLIN };
    else if (host_in >= 0 && !stdin_eof)
        p[n++] = (struct pollfd){ .fd = host_in, .events = POLLIN };
    if (want_out && host_out >= 0)
        p[n++] = (struct pollfd){ .fd = host_out, .events = POLLOUT };
    if (sig_pending())
        return;
    xpoll(p, n, ms);
}

static void try_accept(void)
{
    if (opt.mode != MODE_TCP || host_in >= 0)
        return;
    struct pollfd p = { .fd = listen_fd, .events = POLLIN };
    if (xpoll(&p, 1, 0) <= 0)
        return;
    int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd >= 0) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        host_in = host_out = fd;
    }
}

/* ------------------------------------------------------------------ main */

static void usage(FILE *f)
{
    fprintf(f,
"usage: simboard [options] FIRMWARE.hex\n"
"  -m MCU               MCU (default atmega328p)\n"
"  -f FREQ              clock in Hz (default 16000000)\n"
"  --pty                bridge UART0 to a new pty (default); prints 'PTY <path>'\n"
"  --tcp PORT           bridge to 127.0.0.1:PORT, one client (0 = any free port)\n"
"  --stdio              bridge to stdin/stdout; status lines go to stderr\n"
"  --reset-pc ADDR      reset vector, byte address (default 0x7E00: BOOTRST)\n"
"  --no-wait-first-byte start the CPU at once (default: on the host's first byte)\n"
"  --eeprom FILE.hex    EEPROM image to preload\n"
"  --state DIR          power-cycle persistence: DIR/flash.bin, DIR/eeprom.bin\n"
"  --dump-flash FILE    write the flash image at exit and on SIGUSR2\n"
"  --dump-eeprom FILE   write the EEPROM image at exit and on SIGUSR2\n"
"  --markers FILE       'MARK <value> <cycle>' lines (default: stderr)\n"
"  --timeout SECONDS    wall-clock limit (exit 3)\n"
"  --max-cycles N       cycle limit (exit 4)\n"
"  --realtime           never run faster than the real chip (default: as fast as possible)\n"
"  --die-with-parent    exit (as on SIGTERM) when the parent process dies\n"
"  -v                   show simavr's trace messages\n"
"signals: SIGUSR1 reset button, SIGUSR2 dump, SIGTERM/SIGINT save and exit\n"
"exit: 0 done/hangup/term, 1 usage, 2 crashed, 3 timeout, 4 max-cycles\n");
}

static void parse_args(int argc, char **argv)
{
    enum { O_PTY = 256, O_TCP, O_STDIO, O_RESETPC, O_NOWAIT, O_WAIT, O_EEPROM, O_STATE,
           O_DFLASH, O_DEE, O_MARKERS, O_TIMEOUT, O_MAXCYC, O_PARENT, O_REALTIME };
    static const struct option lo[] = {
        { "pty", no_argument, 0, O_PTY },
        { "tcp", required_argument, 0, O_TCP },
        { "stdio", no_argument, 0, O_STDIO },
        { "reset-pc", required_argument, 0, O_RESETPC },
        { "no-wait-first-byte", no_argument, 0, O_NOWAIT },
        { "wait-first-byte", no_argument, 0, O_WAIT },
        { "eeprom", required_argument, 0, O_EEPROM },
        { "state", required_argument, 0, O_STATE },
        { "dump-flash", required_argument, 0, O_DFLASH },
        { "dump-eeprom", required_argument, 0, O_DEE },
        { "markers", required_argument, 0, O_MARKERS },
        { "timeout", required_argument, 0, O_TIMEOUT },
        { "max-cycles", required_argument, 0, O_MAXCYC },
        { "die-with-parent", no_argument, 0, O_PARENT },
        { "realtime", no_argument, 0, O_REALTIME },
        { "mcu", required_argument, 0, 'm' },
        { "freq", required_argument, 0, 'f' },
        { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 }
    };
    int c;
    while ((c = getopt_long(argc, argv, "m:f:hv", lo, NULL)) != -1) {
        switch (c) {
        case 'm': opt.mcu = optarg; break;
        case 'f': opt.freq = strtoul(optarg, NULL, 0); break;
        case 'v': opt.verbose = 1; break;
        case 'h': usage(stdout); exit(0);
        case O_PTY: opt.mode = MODE_PTY; break;
        case O_TCP: opt.mode = MODE_TCP; opt.tcp_port = atoi(optarg); break;
        case O_STDIO: opt.mode = MODE_STDIO; break;
        case O_RESETPC: opt.reset_pc = strtoul(optarg, NULL, 0); break;
        case O_NOWAIT: opt.wait_first = 0; break;
        case O_WAIT: opt.wait_first = 1; break;
        case O_EEPROM: opt.eeprom_hex = optarg; break;
        case O_STATE: opt.state_dir = optarg; break;
        case O_DFLASH: opt.dump_flash = optarg; break;
        case O_DEE: opt.dump_eeprom = optarg; break;
        case O_MARKERS: opt.markers = optarg; break;
        case O_TIMEOUT: opt.timeout = atof(optarg); break;
        case O_MAXCYC: opt.max_cycles = strtoull(optarg, NULL, 0); break;
        case O_PARENT: opt.die_with_parent = 1; break;
        case O_REALTIME: opt.realtime = 1; break;
        default: usage(stderr); exit(EXIT_USAGE);
        }
    }
    if (optind != argc - 1) {
        usage(stderr);
        exit(EXIT_USAGE);
    }
    opt.firmware = argv[optind];
}

static avr_uart_t *find_uart0(void)
{
    for (avr_io_t *io = avr->io_port; io; io = io->next)
        if (io->kind && !strcmp(io->kind, "uart") && ((avr_uart_t *)io)->name == '0')
            return (avr_uart_t *)io;
    return NULL;
}

static void handle_dump(void)
{
    sig_dump = 0;
    write_dumps(1);
    fprintf(proto, "DUMPED\n");
    fflush(proto);
}

/* Give the host a moment to read the last bytes: closing the pty master
 * discards what the client has not read yet. */
static void linger(double max_s)
{
    double start = now_s();
    while (now_s() - start < max_s && !sig_term) {
        if (sig_dump)
            handle_dump();
        sig_reset = 0;      /* too late for a reset */
        host_flush();
        int pending = 0;
        if (pty_slave >= 0)
            ioctl(pty_slave, FIONREAD, &pending);
        /* the pty moves data to the slave asynchronously: give it 100 ms */
        if (!out_len && !pending && now_s() - start > 0.1)
            break;
        wait_host(10, out_len > 0);
    }
}

static void finish(const char *reason, int code, int save)
{
    host_flush();
    if (code == EXIT_CRASH || !strcmp(reason, "done") || !strcmp(reason, "max-cycles"))
        linger(1.0);
    if (save)
        write_dumps(1);
    if (!strcmp(reason, "crashed"))
        fprintf(proto, "EXIT crashed pc=0x%04x cycles=%" PRIu64 "\n", avr->pc, (uint64_t)avr->cycle);
    else
        fprintf(proto, "EXIT %s cycles=%" PRIu64 "\n", reason, (uint64_t)avr->cycle);
    fflush(proto);
    if (markf)
        fflush(markf);
    exit(code);
}

int main(int argc, char **argv)
{
    parse_args(argc, argv);

    /* Protocol lines go to the real stdout (stderr in --stdio mode, where
     * stdout carries UART bytes). fd 1 itself is pointed at stderr so that
     * any printf inside simavr cannot corrupt either stream. */
    int saved_stdout = dup(1);
    dup2(2, 1);
    if (opt.mode == MODE_STDIO) {
        proto = stderr;
        host_out = saved_stdout;
    } else {
        proto = fdopen(saved_stdout, "w");
    }
    markf = stderr;
    if (opt.markers) {
        markf = fopen(opt.markers, "w");
        if (!markf)
            die("cannot open %s: %s", opt.markers, strerror(errno));
        setvbuf(markf, NULL, _IOLBF, 0);
    }
    signal(SIGPIPE, SIG_IGN);

    avr_global_logger_set(logger);
    avr = avr_make_mcu_by_name(opt.mcu);
    if (!avr)
        die("unknown MCU %s", opt.mcu);
    avr_init(avr);
    avr->frequency = opt.freq;
    avr->gdb_port = 0;          /* a crash must end the run, not wait for gdb */
    avr->log = opt.verbose ? LOG_TRACE : LOG_ERROR;
    avr->sleep = on_sleep;
    avr->custom.deinit = on_terminate;
    flash_size = avr->flashend + 1;
    ee_size = avr->e2end + 1;

    /* Flash and EEPROM images: HEX, then --eeprom, then the state dir. */
    uint8_t *flash = malloc(flash_size), *ee = malloc(ee_size);
    memset(flash, 0xFF, flash_size);
    memset(ee, 0xFF, ee_size);
    load_hex(opt.firmware, flash, ee, 0);
    if (opt.eeprom_hex)     /* addressed from 0 (.eep) or from 0x810000 */
        load_hex(opt.eeprom_hex, NULL, ee, 1);
    if (opt.state_dir) {
        char p[4096];
        mkdir(opt.state_dir, 0777);
        snprintf(p, sizeof p, "%s/flash.bin", opt.state_dir);
        read_file(p, flash, flash_size);
        snprintf(p, sizeof p, "%s/eeprom.bin", opt.state_dir);
        read_file(p, ee, ee_size);
    }
    /* memcpy, not avr_loadcode: 1.6 aborts on an image touching the last byte. */
    memcpy(avr->flash, flash, flash_size);
    set_eeprom(ee);
    free(flash);
    free(ee);

    avr->reset_pc = opt.reset_pc;     /* simavr's pc is a byte address */
    avr->pc = opt.reset_pc;

    uart0 = find_uart0();
    if (!uart0)
        die("%s has no UART0", opt.mcu);
    uint32_t flags = 0;   /* no console echo, no usleep on status polls */
    avr_ioctl(avr, AVR_IOCTL_UART_SET_FLAGS('0'), &flags);
    avr_irq_t *uirq = avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_INPUT);
    avr_irq_register_notify(uirq + UART_IRQ_OUTPUT, on_uart_out, NULL);
    int sr = AVR_DATA_TO_IO(uart0->r_ucsra);
    uart_status_read = avr->io[sr].r.c;
    uart_status_param = avr->io[sr].r.param;
    /* avr_register_io_read refuses to replace a hook, so patch the table. */
    avr->io[sr].r.c = on_ucsra_read;
    avr_register_io_write(avr, GPIOR0_DATA, on_marker, NULL);

    struct sigaction sa = { .sa_handler = on_signal };
    sigset_t ours;
    sigemptyset(&ours);
    sigaddset(&ours, SIGUSR1);
    sigaddset(&ours, SIGUSR2);
    sigaddset(&ours, SIGTERM);
    sigaddset(&ours, SIGINT);
    sigaddset(&ours, SIGHUP);
    sigprocmask(SIG_BLOCK, &ours, &poll_mask);
    sigdelset(&poll_mask, SIGUSR1);
    sigdelset(&poll_mask, SIGUSR2);
    sigdelset(&poll_mask, SIGTERM);
    sigdelset(&poll_mask, SIGINT);
    sigdelset(&poll_mask, SIGHUP);
    sa.sa_mask = ours;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    if (opt.die_with_parent) {
        /* the launcher may be killed without a chance to clean up */
        pid_t parent = getppid();
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent)
            sig_term = 1;
    }

    setup_bridge();

    double t0 = now_s();
    int started = !opt.wait_first;
    unsigned idle_batches = 0;
    avr_cycle_count_t idle_since = 0;
    double rt_wall0 = 0;                 /* --realtime: wall clock and cycle at CPU start */
    avr_cycle_count_t rt_cyc0 = 0;

    for (;;) {
        if (sig_term)
            finish("term", EXIT_OK, 1);
        if (sig_dump)
            handle_dump();
        if (sig_reset) {
            /* Reset button: avr_reset keeps flash and the EEPROM module's
             * bytes; we restore EEPROM anyway in case a version clears it. */
            sig_reset = 0;
            uint8_t *keep = malloc(ee_size);
            get_eeprom(keep);
            avr_reset(avr);
            set_eeprom(keep);
            free(keep);
            avr->pc = opt.reset_pc;
            started = 1;
            fprintf(proto, "RESET cycles=%" PRIu64 "\n", (uint64_t)avr->cycle);
            fflush(proto);
        }
        if (opt.timeout > 0 && now_s() - t0 > opt.timeout)
            finish("timeout", EXIT_TIMEOUT, 1);

        try_accept();
        if (host_read() < 0)
            finish("hangup", EXIT_OK, 1);

        if (!started) {
            if (stdin_eof && inq_head == inq_tail)
                finish("hangup", EXIT_OK, 1);
            if (inq_head != inq_tail) {
                started = 1;
                rt_wall0 = now_s();
                rt_cyc0 = avr->cycle;
            }
            else {
                wait_host(opt.timeout > 0 ? 100 : -1, 0);
                continue;
            }
        }

        feed_uart(uirq);
        host_flush();
        if (out_len > OUT_HIGH) {       /* host is not reading: hold the CPU */
            wait_host(50, 1);
            continue;
        }

        ucsra_reads = sleep_calls = out_bytes = 0;
        int state = cpu_Running;
        for (int i = 0; i < BATCH; i++) {
            state = avr_run(avr);
            if (state == cpu_Done || state == cpu_Crashed)
                break;
        }
        if (state == cpu_Done)
            finish("done", EXIT_OK, 1);
        if (state == cpu_Crashed)
            finish("crashed", EXIT_CRASH, 1);
        if (opt.max_cycles && avr->cycle >= opt.max_cycles)
            finish("max-cycles", EXIT_MAXCYC, 1);
        host_flush();

        /* Idle: the firmware polls the UART status (or sleeps), has nothing
         * to read and printed nothing. Then sleep a little between batches
         * so a waiting board costs little host CPU; host input wakes us. */
        int waiting = (ucsra_reads > 16 || sleep_calls > 0) && out_bytes == 0 &&
                      inq_head == inq_tail && uart_fifo_empty();
        if (waiting) {
            if (idle_batches++ == 0)
                idle_since = avr->cycle;
        } else
            idle_batches = 0;
        if (opt.mode == MODE_STDIO && stdin_eof && waiting && out_len == 0 &&
            avr->cycle - idle_since > opt.freq / 10)
            finish("hangup", EXIT_OK, 1);
        if (idle_batches > IDLE_GRACE)
            wait_host(IDLE_SLEEP_MS, 0);
        else if (opt.realtime) {
            if (rt_wall0 == 0) {
                rt_wall0 = now_s();
                rt_cyc0 = avr->cycle;
            }
            double ahead = (double)(avr->cycle - rt_cyc0) / opt.freq - (now_s() - rt_wall0);
            if (ahead > 0.002)
                wait_host((int)(ahead * 1000), 0);
        }
    }
}
