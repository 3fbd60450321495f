/* uname: only the fields that do not depend on the host kernel build are printed. */
#include "guest.h"
#include <sys/utsname.h>
#include <unistd.h>

int main(void) {
    struct utsname u;
    CHECK(uname(&u) == 0);
    printf("sysname=%s\n", u.sysname);
    printf("machine=%s\n", u.machine);
    CHECK(strlen(u.release) > 0);
    CHECK(strlen(u.nodename) > 0);
    CHECK(u.release[0] >= '2' && u.release[0] <= '9');
    CHECK(sysconf(_SC_PAGESIZE) == 4096);
    CHECK(sysconf(_SC_NPROCESSORS_ONLN) >= 1);
    return guest_finish();
}
