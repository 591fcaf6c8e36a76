// libFuzzer's driver entry (compiler-rt FuzzerDriver.cpp), linked in by -sanitize=fuzzer.
// SwiftPM makes `<module>_main` the executable's entry point, so each target's entry calls
// this instead of relying on libFuzzer's own `main`.
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
