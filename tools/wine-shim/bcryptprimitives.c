/*
 * A stand-in for Windows' bcryptprimitives.dll, for running Go programs
 * under Wine 8.0 (Debian 12), which lacks it. Go 1.22 and later draw
 * random bytes from its ProcessPrng and stop at start without it. Real
 * Windows 10 and later have the DLL: this file is built only by
 * `make test-windows`, into the test's Wine prefix, and never shipped.
 *
 * ProcessPrng fills the buffer from RtlGenRandom (advapi32's
 * SystemFunction036), Windows' cryptographic random generator, which
 * Wine implements by reading the host's /dev/urandom.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
