#!/usr/bin/env python3
"""Why is an old bundle revision still reachable? Prints, for each Felix bundle class loader in a heap dump, the
shortest strong path from a GC root (weak/soft/phantom referents are not followed).

usage: scripts/hprof-paths.py DUMP.hprof [TEXT]
  TEXT: report only loaders whose "bsn qualifier" contains it (for example rtc25)
Dumps: HotSwapIT writes distribution/target/leak-*.hprof when replaced revisions stay reachable; or
jcmd PID GC.heap_dump FILE. Reads HPROF 1.0.2 with 8-byte ids (64-bit HotSpot).
"""
import mmap
import struct
import sys
from collections import deque

if len(sys.argv) < 2:
    sys.exit(__doc__)
f = open(sys.argv[1], 'rb')
mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
hdr_end = mm.find(b'\0')
idsize = struct.unpack('>I', mm[hdr_end + 1:hdr_end + 5])[0]
assert idsize == 8
pos = hdr_end + 1 + 4 + 8
U8 = struct.Struct('>Q')
U4 = struct.Struct('>I')
U2 = struct.Struct('>H')
TSIZE = {2: 8, 4: 1, 5: 2, 6: 4, 7: 8, 8: 1, 9: 2, 10: 4, 11: 8}

strings = {}
class_name = {}      # class obj id -> name
classes = {}         # class id -> (super, loader, [(fieldname, type)], static refs [(name, id)])
instances = {}       # obj id -> (class id, offset, length)
objarrays = {}       # obj id -> (array class id, offset, count)
roots = []           # (kind, id)

def rid(p):
    return U8.unpack_from(mm, p)[0]

ROOTS = {0xFF: ('unknown', 0), 0x01: ('jni-global', 8), 0x02: ('jni-local', 8), 0x03: ('java-frame', 8),
         0x04: ('native-stack', 4), 0x05: ('sticky-class', 0), 0x06: ('thread-block', 4), 0x07: ('monitor', 0),
         0x08: ('thread-object', 8), 0x89: ('internd', 0), 0x8a: ('finalizing', 0), 0x8b: ('debugger', 0),
         0x8c: ('ref-cleanup', 0), 0x8d: ('vm-internal', 0), 0x8e: ('jni-monitor', 8), 0x90: ('unreachable', 0)}

thread_serial = {}  # serial -> thread obj id
frames_root = []

def heap(p, end):
    while p < end:
        t = mm[p]; p += 1
        if t in ROOTS:
            kind, extra = ROOTS[t]
            oid = rid(p)
            if t == 0x08:
                thread_serial[U4.unpack_from(mm, p + 8)[0]] = oid
            roots.append((kind, oid, U4.unpack_from(mm, p + 8)[0] if t in (0x02, 0x03) else None))
            p += 8 + extra
        elif t == 0x20:
            cid = rid(p); p += 8 + 4
            sup = rid(p); p += 8
            loader = rid(p); p += 8
            p += 8 * 4
            p += 4
            n = U2.unpack_from(mm, p)[0]; p += 2
            for _ in range(n):
                p += 2
                ty = mm[p]; p += 1
                p += TSIZE[ty]
            n = U2.unpack_from(mm, p)[0]; p += 2
            statics = []
            for _ in range(n):
                name = rid(p); p += 8
                ty = mm[p]; p += 1
                if ty == 2:
                    statics.append((name, rid(p)))
                p += TSIZE[ty]
            n = U2.unpack_from(mm, p)[0]; p += 2
            fields = []
            for _ in range(n):
                name = rid(p); p += 8
                ty = mm[p]; p += 1
                fields.append((name, ty))
            classes[cid] = (sup, loader, fields, statics)
        elif t == 0x21:
            oid = rid(p); p += 8 + 4
            cid = rid(p); p += 8
            ln = U4.unpack_from(mm, p)[0]; p += 4
            instances[oid] = (cid, p, ln)
            p += ln
        elif t == 0x22:
            oid = rid(p); p += 8 + 4
            n = U4.unpack_from(mm, p)[0]; p += 4
            acid = rid(p); p += 8
            objarrays[oid] = (acid, p, n)
            p += 8 * n
        elif t == 0x23:
            oid = rid(p); p += 8 + 4
            n = U4.unpack_from(mm, p)[0]; p += 4
            ty = mm[p]; p += 1
            instances[oid] = (-ty, p, n)  # primitive array marker
            p += TSIZE[ty] * n
        else:
            raise SystemExit('unknown heap tag 0x%x at %d' % (t, p - 1))

while pos < len(mm):
    tag = mm[pos]
    ln = U4.unpack_from(mm, pos + 5)[0]
    body = pos + 9
    if tag == 0x01:
        strings[rid(body)] = mm[body + 8:body + ln].decode('utf-8', 'replace')
    elif tag == 0x02:
        class_name[rid(body + 4)] = rid(body + 16)
    elif tag in (0x0C, 0x1C):
        heap(body, body + ln)
    pos = body + ln

def cname(cid):
    return strings.get(class_name.get(cid), '?%x' % cid)

def layout(cid):
    out = []
    while cid and cid in classes:
        out.extend(classes[cid][2])
        cid = classes[cid][0]
    return out

layouts = {}
def fields_of(oid):
    cid, off, ln = instances[oid]
    if cid < 0:
        return []
    lay = layouts.get(cid)
    if lay is None:
        lay = layouts[cid] = layout(cid)
    res = []
    p = off
    for name, ty in lay:
        if ty == 2:
            res.append((strings.get(name, '?'), rid(p)))
        p += TSIZE[ty]
    return res

ref_classes = set()
for cid in classes:
    c = cid
    while c and c in classes:
        if cname(c) == 'java/lang/ref/Reference':
            ref_classes.add(cid)
            break
        c = classes[c][0]

def edges(oid):
    if oid in instances:
        cid = instances[oid][0]
        if cid < 0:
            return
        yield ('<class>', cid)
        weak = cid in ref_classes
        for name, v in fields_of(oid):
            if v and not (weak and name in ('referent', 'discovered')):
                yield (name, v)
    elif oid in objarrays:
        acid, off, n = objarrays[oid]
        yield ('<class>', acid)
        for i in range(n):
            v = rid(off + 8 * i)
            if v:
                yield ('[%d]' % i, v)
    elif oid in classes:
        sup, loader, _, statics = classes[oid]
        if sup:
            yield ('<super>', sup)
        if loader:
            yield ('<loader>', loader)
        for name, v in statics:
            if v:
                yield ('static ' + strings.get(name, '?'), v)

def typename(oid):
    if oid in instances:
        c = instances[oid][0]
        return 'prim[]' if c < 0 else cname(c).replace('/', '.')
    if oid in objarrays:
        return cname(objarrays[oid][0]).replace('/', '.')
    if oid in classes:
        return 'class ' + cname(oid).replace('/', '.')
    return '?'

def field(oid, name):
    for n, v in fields_of(oid):
        if n == name:
            return v
    return None

def jstring(oid):
    if not oid or oid not in instances:
        return None
    val = field(oid, 'value')
    if not val or val not in instances:
        return None
    c, off, n = instances[val]
    return bytes(mm[off:off + n]).decode('latin-1')

def loader_version(oid):
    try:
        wiring = field(oid, 'm_wiring')
        rev = field(wiring, 'm_revision')
        ver = field(rev, 'm_version')
        return '%s %s' % (jstring(field(rev, 'm_symbolicName')), jstring(field(ver, 'qualifier')))
    except Exception as e:
        return '? (%s)' % e

targets = {oid for oid, (cid, _, _) in instances.items()
           if cid > 0 and cname(cid).endswith('BundleWiringImpl$BundleClassLoader')}
want = sys.argv[2] if len(sys.argv) > 2 else None
print('%d bundle class loaders in the dump' % len(targets))
for t in sorted(targets, key=loader_version):
    print('  ', loader_version(t))

parent = {}
q = deque()
for kind, oid, serial in roots:
    if oid not in parent:
        parent[oid] = (None, kind + ('' if serial is None else ' thread#%s' % serial))
        q.append(oid)
while q:
    o = q.popleft()
    for name, v in edges(o):
        if v not in parent and (v in instances or v in objarrays or v in classes):
            parent[v] = (o, name)
            q.append(v)

for t in targets:
    ver = loader_version(t)
    if want and want not in ver:
        continue
    print('\n== path to loader', ver)
    if t not in parent:
        print('  unreachable')
        continue
    chain = []
    o = t
    while o is not None:
        p, name = parent[o]
        chain.append((name, typename(o), o))
        o = p
    for name, ty, o in reversed(chain):
        extra = ''
        if ty == 'java.lang.Thread':
            extra = ' name=' + str(jstring(field(o, 'name')))
        print('  %-40s %s @%x%s' % (name, ty, o, extra))
