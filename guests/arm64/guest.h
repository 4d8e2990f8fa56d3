/* Tiny libc-free runtime for bare-metal AArch64 guests on QEMU virt and Polyvisor. */
#ifndef GUEST_H
#define GUEST_H

typedef unsigned long u64;
typedef long s64;
typedef unsigned int u32;
typedef int s32;
typedef unsigned short u16;
typedef unsigned char u8;

void putc(int c);
void puts(const char *s);
void put_hex(u64 v);           /* 16 hex digits */
void put_hex32(u32 v);         /* 8 hex digits */
void put_dec(u64 v);
void put_kv(const char *key, u64 v);  /* "key=0x...\n" */
void check(const char *name, u64 got, u64 expected);
u64 psci_call(u64 fn, u64 a1, u64 a2, u64 a3);
void poweroff(void) __attribute__((noreturn));
void *memset(void *d, int c, unsigned long n);
void *memcpy(void *d, const void *s, unsigned long n);
extern int failures;

/* Exception frame saved by start.S: x0..x30. */
struct frame { u64 x[32]; };
/* Called for every exception; index = vector slot 0..15. Weak default prints and powers off. */
void exception_entry(u64 index, struct frame *f);

#define READ_SYSREG(r) ({ u64 _v; __asm__ volatile("mrs %0, " #r : "=r"(_v)); _v; })
#define WRITE_SYSREG(r, v) __asm__ volatile("msr " #r ", %0" :: "r"((u64)(v)))
/* Values the compiler cannot see through, so the tested instructions really execute. */
#define OPAQUE(v) ({ __typeof__((v) + 0) _o = (v); __asm__ volatile("" : "+r"(_o)); _o; })

#endif
