/*
 * Differential oracle for rconv's tests (see oracle_test.go). It is not part
 * of the build: the test compiles it with the system C compiler when
 * RCONV_GLIBC_ORACLE=1. Each input line is one case; each output line is the
 * answer the C library gives under the checks Redis applies. Written for
 * embedis, not taken from Redis.
 *
 *   incr   "cur|incr" -> INCRBYFLOAT reply (cur empty = missing key), or
 *                        ERR-FLOAT / ERR-NANINF
 *   ldbits "a|b"      -> raw x87 bits of a+b as "SSEE MMMMMMMMMMMMMMMM", or ERR
 *   g17    hex bits   -> printf("%.17Lg") of the double
 *   strtod text       -> double bits under string2d's checks, or ERR
 *   bound  text       -> "exclusive bits" under zslParseRange's checks, or ERR
 *   cursor text       -> string2ull result, or ERR
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_ld(const char *s, long double *out) {
    size_t n = strlen(s);
    if (n == 0 || n >= 5120) return 0;
    char *end;
    errno = 0;
    long double v = strtold(s, &end);
    if (isspace((unsigned char)s[0]) || *end != 0 || (size_t)(end - s) != n) return 0;
    if (errno == ERANGE && (v == HUGE_VALL || v == -HUGE_VALL || v == 0)) return 0;
    if (errno == EINVAL || isnan(v)) return 0;
    *out = v;
    return 1;
}

static int parse_ll(const char *s, size_t n, long long *out) {
    if (n == 0 || n >= 21) return 0;
    if (n == 1 && s[0] == '0') { *out = 0; return 1; }
    size_t i = 0;
    int neg = 0;
    if (s[0] == '-') { neg = 1; if (++i == n) return 0; }
    if (s[i] < '1' || s[i] > '9') return 0;
    unsigned long long v = 0;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        unsigned d = s[i] - '0';
        if (v > (ULLONG_MAX - d) / 10) return 0;
        v = v * 10 + d;
    }
    if (neg) {
        if (v > (1ULL << 63)) return 0;
        *out = (long long)(0 - v);
    } else {
        if (v > LLONG_MAX) return 0;
        *out = (long long)v;
    }
    return 1;
}

static char out[8192];

int main(int argc, char **argv) {
    static char line[16384];
    const char *mode = argc > 1 ? argv[1] : "";
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = 0;
        if (!strcmp(mode, "incr") || !strcmp(mode, "ldbits")) {
            char *bar = strchr(line, '|');
            if (!bar) return 2;
            *bar = 0;
            long double a = 0, b;
            if ((line[0] && !parse_ld(line, &a)) || !parse_ld(bar + 1, &b)) {
                puts(!strcmp(mode, "incr") ? "ERR-FLOAT" : "ERR");
                continue;
            }
            long double v = a + b;
            if (!strcmp(mode, "ldbits")) {
                unsigned char raw[16] = {0};
                memcpy(raw, &v, 10);
                uint64_t m;
                uint16_t se;
                memcpy(&m, raw, 8);
                memcpy(&se, raw + 8, 2);
                if (isnan(v)) puts("NAN");
                else printf("%04x %016llx\n", se, (unsigned long long)m);
                continue;
            }
            if (isnan(v) || isinf(v)) { puts("ERR-NANINF"); continue; }
            int l = snprintf(out, sizeof out, "%.17Lf", v);
            if (strchr(out, '.')) {
                char *p = out + l - 1;
                while (*p == '0') { p--; l--; }
                if (*p == '.') l--;
            }
            if (l == 2 && out[0] == '-' && out[1] == '0') { out[0] = '0'; l = 1; }
            out[l] = 0;
            puts(out);
        } else if (!strcmp(mode, "g17")) {
            unsigned long long bits = strtoull(line, NULL, 16);
            double d;
            memcpy(&d, &bits, 8);
            if (isnan(d)) puts("nan");
            else printf("%.17Lg\n", (long double)d);
        } else if (!strcmp(mode, "strtod")) {
            size_t n = strlen(line);
            char *end;
            errno = 0;
            double d = strtod(line, &end);
            int ok = !(n == 0 || isspace((unsigned char)line[0]) || (size_t)(end - line) != n ||
                       (errno == ERANGE && (d == HUGE_VAL || d == -HUGE_VAL || d == 0)) || isnan(d));
            uint64_t b;
            memcpy(&b, &d, 8);
            if (ok) printf("%016llx\n", (unsigned long long)b);
            else puts("ERR");
        } else if (!strcmp(mode, "bound")) {
            char *p = line, *end;
            int ex = 0;
            if (p[0] == '(') { ex = 1; p++; }
            double d = strtod(p, &end);
            if (end[0] != 0 || isnan(d)) { puts("ERR"); continue; }
            uint64_t b;
            memcpy(&b, &d, 8);
            printf("%d %016llx\n", ex, (unsigned long long)b);
        } else if (!strcmp(mode, "cursor")) {
            long long ll;
            if (parse_ll(line, strlen(line), &ll)) {
                if (ll < 0) puts("ERR");
                else printf("%llu\n", (unsigned long long)ll);
                continue;
            }
            errno = 0;
            char *end = NULL;
            unsigned long long v = strtoull(line, &end, 10);
            if (errno == EINVAL || errno == ERANGE || !(*line != 0 && *end == 0)) puts("ERR");
            else printf("%llu\n", v);
        } else {
            return 2;
        }
        fflush(stdout);
    }
    return 0;
}
