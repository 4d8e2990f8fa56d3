/*
 * The branchy integer benchmark shared by the arm64 and e500mc guests (issue: guest code at QEMU's speed).
 * Written for this project in the spirit of CoreMark's three kernels (linked-list search and sort, small matrix
 * arithmetic, a character state machine) plus a CRC-16 over each kernel's result; nothing is copied from CoreMark.
 * It needs only 32-bit integer arithmetic, so both guests compile it unchanged; the caller provides u32/s32 types.
 * Everything is deterministic: the printed checksums are the golden output, identical on QEMU and Polyvisor.
 */
#ifndef BRANCHY_H
#define BRANCHY_H

#define BR_NODES 64
#define BR_N 8
#define BR_TEXT 256

struct br_node { struct br_node *next; s32 key; s32 val; };

static struct br_node br_pool[BR_NODES];
static s32 br_a[BR_N * BR_N], br_b[BR_N * BR_N], br_c[BR_N * BR_N];
static char br_text[BR_TEXT];

static u32 br_crc16(u32 crc, u32 v)
{
    for (int i = 0; i < 32; i++) {
        u32 bit = (crc ^ v) & 1;
        crc >>= 1;
        v >>= 1;
        if (bit)
            crc ^= 0xa001;
    }
    return crc & 0xffff;
}

static u32 br_seed;
static u32 br_rand(void)
{
    br_seed = br_seed * 1664525u + 1013904223u;
    return br_seed >> 8;
}

static struct br_node *br_list_init(void)
{
    struct br_node *head = 0;
    for (int i = BR_NODES - 1; i >= 0; i--) {
        br_pool[i].key = (s32)(br_rand() & 0x3ff);
        br_pool[i].val = (s32)(br_rand() & 0xffff);
        br_pool[i].next = head;
        head = &br_pool[i];
    }
    return head;
}

static struct br_node *br_reverse(struct br_node *l)
{
    struct br_node *r = 0;
    while (l) {
        struct br_node *n = l->next;
        l->next = r;
        r = l;
        l = n;
    }
    return r;
}

/* Merge sort by key (stable), iterative as in embedded code without deep recursion. */
static struct br_node *br_sort(struct br_node *list)
{
    for (int width = 1;; width *= 2) {
        struct br_node *p = list, *tail = 0;
        list = 0;
        int merges = 0;
        while (p) {
            merges++;
            struct br_node *q = p;
            int psize = 0;
            for (int i = 0; i < width && q; i++) {
                psize++;
                q = q->next;
            }
            int qsize = width;
            while (psize > 0 || (qsize > 0 && q)) {
                struct br_node *e;
                if (psize == 0) {
                    e = q; q = q->next; qsize--;
                } else if (qsize == 0 || !q || p->key <= q->key) {
                    e = p; p = p->next; psize--;
                } else {
                    e = q; q = q->next; qsize--;
                }
                if (tail)
                    tail->next = e;
                else
                    list = e;
                tail = e;
            }
            p = q;
        }
        tail->next = 0;
        if (merges <= 1)
            return list;
    }
}

static u32 br_list_kernel(struct br_node **headp, u32 crc)
{
    struct br_node *head = *headp;
    for (int k = 0; k < 8; k++) {
        s32 want = (s32)(br_rand() & 0x3ff);
        int pos = 0;
        struct br_node *n = head;
        while (n && n->key != want) {
            n = n->next;
            pos++;
        }
        crc = br_crc16(crc, n ? (u32)(n->val ^ pos) : (u32)pos);
    }
    head = br_sort(br_reverse(head));
    for (struct br_node *n = head; n; n = n->next) {
        n->val = (s32)((u32)n->val * 3u + (u32)n->key);
        n->key = (s32)((n->key + (n->val & 7)) & 0x3ff);
    }
    crc = br_crc16(crc, (u32)head->key);
    *headp = head;
    return crc;
}

static u32 br_matrix_kernel(u32 crc, s32 iter)
{
    for (int i = 0; i < BR_N * BR_N; i++) {
        br_a[i] = (s32)(br_rand() & 0xff) - 128;
        br_b[i] = (s32)((i * 7 + iter) & 0x1f);
    }
    s32 sum = 0;
    for (int i = 0; i < BR_N; i++)
        for (int j = 0; j < BR_N; j++) {
            s32 acc = 0;
            for (int k = 0; k < BR_N; k++)
                acc += br_a[i * BR_N + k] * br_b[k * BR_N + j];
            br_c[i * BR_N + j] = acc;
            sum += acc > 1000 ? 1 : (acc < -1000 ? -1 : 0);
        }
    s32 maxv = br_c[0];
    for (int i = 1; i < BR_N * BR_N; i++)
        if (br_c[i] > maxv)
            maxv = br_c[i];
    crc = br_crc16(crc, (u32)sum);
    return br_crc16(crc, (u32)maxv);
}

enum br_state { BR_START, BR_INT, BR_FRAC, BR_EXP, BR_EXPNUM, BR_INVALID };

static u32 br_state_kernel(u32 crc)
{
    static const char alphabet[] = "0123456789.eE+-,x ";
    for (int i = 0; i < BR_TEXT; i++)
        br_text[i] = alphabet[br_rand() % (sizeof(alphabet) - 1)];
    u32 counts[6] = {0, 0, 0, 0, 0, 0};
    enum br_state s = BR_START;
    for (int i = 0; i < BR_TEXT; i++) {
        char ch = br_text[i];
        if (ch == ',' || ch == ' ') {
            counts[s]++;
            s = BR_START;
            continue;
        }
        switch (s) {
        case BR_START:
            s = (ch >= '0' && ch <= '9') || ch == '+' || ch == '-' ? BR_INT : ch == '.' ? BR_FRAC : BR_INVALID;
            break;
        case BR_INT:
            s = ch >= '0' && ch <= '9' ? BR_INT : ch == '.' ? BR_FRAC : (ch == 'e' || ch == 'E') ? BR_EXP : BR_INVALID;
            break;
        case BR_FRAC:
            s = ch >= '0' && ch <= '9' ? BR_FRAC : (ch == 'e' || ch == 'E') ? BR_EXP : BR_INVALID;
            break;
        case BR_EXP:
            s = (ch >= '0' && ch <= '9') || ch == '+' || ch == '-' ? BR_EXPNUM : BR_INVALID;
            break;
        case BR_EXPNUM:
            s = ch >= '0' && ch <= '9' ? BR_EXPNUM : BR_INVALID;
            break;
        default:
            break;
        }
    }
    for (int i = 0; i < 6; i++)
        crc = br_crc16(crc, counts[i]);
    return crc;
}

/* Runs the three kernels ITERATIONS times; returns the running CRC (printed by the caller every so often). */
static u32 br_iteration(struct br_node **head, u32 crc, s32 iter)
{
    crc = br_list_kernel(head, crc);
    crc = br_matrix_kernel(crc, iter);
    return br_state_kernel(crc);
}

#endif
