// cblas.h: Debian installs it in the multiarch include directory, which clang searches.
#include <cblas.h>
