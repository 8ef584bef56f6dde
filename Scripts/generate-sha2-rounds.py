# Generates the unrolled SHA-2 compression loops (written once, checked in; regenerate with this
# script kept in Scripts/ if the shape changes).
import sys
def primes(n):
    ps=[];k=2
    while len(ps)<n:
        if all(k%p for p in ps): ps.append(k)
        k+=1
    return ps
def iroot(x,e):
    lo,hi=0,1<<(x.bit_length()//e+2)
    while lo<hi:
        m=(lo+hi+1)//2
        if m**e<=x: lo=m
        else: hi=m-1
    return lo
def gen(bits):
    if bits==32:
        rounds=64; T='UInt32'; K=[iroot(p<<96,3)&0xffffffff for p in primes(64)]
        S0=(2,13,22); S1=(6,11,25); s0=(7,18,3); s1=(17,19,10); width=8; fmt="0x%08x"
    else:
        rounds=80; T='UInt64'; K=[iroot(p<<192,3)&(2**64-1) for p in primes(80)]
        S0=(28,34,39); S1=(14,18,41); s0=(1,8,7); s1=(19,61,6); width=16; fmt="0x%016x"
    blk=bits*2
    out=[]
    out.append(f"            var w0 = load(0), w1 = load(1), w2 = load(2), w3 = load(3)")
    out.append(f"            var w4 = load(4), w5 = load(5), w6 = load(6), w7 = load(7)")
    out.append(f"            var w8 = load(8), w9 = load(9), w10 = load(10), w11 = load(11)")
    out.append(f"            var w12 = load(12), w13 = load(13), w14 = load(14), w15 = load(15)")
    out.append("            var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7")
    V='abcdefgh'
    for i in range(rounds):
        a,b,c,d,e,f,g,h=[V[(j-i)%8] for j in range(8)]
        wi=f"w{i%16}"
        if i>=16:
            x=f"w{(i-15)%16}"; y=f"w{(i-2)%16}"
            out.append(f"            {wi} &+= smallSigma1({y}) &+ w{(i-7)%16} &+ smallSigma0({x})")
        out.append(f"            {h} &+= bigSigma1({e}) &+ choose({e}, {f}, {g}) &+ {fmt%K[i]} &+ {wi}")
        out.append(f"            {d} &+= {h}")
        out.append(f"            {h} &+= bigSigma0({a}) &+ majority({a}, {b}, {c})")
    out.append("            h0 &+= a; h1 &+= b; h2 &+= c; h3 &+= d; h4 &+= e; h5 &+= f; h6 &+= g; h7 &+= h")
    out.append("            _ = (w0, w1, w2, w3, w4, w5, w6, w7, w8, w9, w10, w11, w12, w13, w14, w15)")
    return "\n".join(out)
name=sys.argv[1]
print(gen(256 if False else (32 if name=='256' else 64)))
