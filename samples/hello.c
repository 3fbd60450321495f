/* The smallest useful guest: `gcc -static -o hello samples/hello.c && ./jlibos run ./hello world` */
#include <stdio.h>

int main(int argc, char **argv) {
    printf("hello, %s\n", argc > 1 ? argv[1] : "jlibos");
    return 0;
}
