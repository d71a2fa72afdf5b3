/* A stand-in for Windows' bcryptprimitives.dll, for the Wine test only (never
 * shipped). Rust's standard library draws its random seeds (HashMap keys)
 * from ProcessPrng in bcryptprimitives.dll, present on every Windows 10 and
 * 11; Wine 8 (Debian 12's) lacks the DLL, so the program would not start
 * under it. This one answers ProcessPrng from RtlGenRandom. The model's own
 * random numbers come from seeded streams and never reach it.
 * packaging/test-windows.sh builds it with MinGW-w64 beside the unzipped exe. */
#include <windows.h>
#include <ntsecapi.h>
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!RtlGenRandom(data, n)) return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}
