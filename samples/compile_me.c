/* compile_me.c: generated once for `./jlibos bench` (the gcc -O2 compile row); ~2,000 lines of
 * ordinary C so cc1, as and ld all do real work. Not meant to be read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct item { int key; double weight; char name[16]; struct item *next; };

static int sum_0(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 2 == 0) s += a[i] * 1;
        else s -= a[i] >> 1;
    }
    return s;
}

static double mix_1(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 1.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 4.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_2(int n) {
    return n < 2 ? n : fib_2(n - 1) + fib_2(n - 2) + 2;
}

static void name_2(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n2_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_3(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 3.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_4(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 6 == 0) s += a[i] * 5;
        else s -= a[i] >> 2;
    }
    return s;
}

static double mix_5(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 5.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 8.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_6(int n) {
    return n < 2 ? n : fib_6(n - 1) + fib_6(n - 2) + 1;
}

static void name_6(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n6_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_7(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 7.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_8(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 3 == 0) s += a[i] * 9;
        else s -= a[i] >> 3;
    }
    return s;
}

static double mix_9(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 9.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 12.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_10(int n) {
    return n < 2 ? n : fib_10(n - 1) + fib_10(n - 2) + 0;
}

static void name_10(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n10_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_11(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 1.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_12(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 7 == 0) s += a[i] * 13;
        else s -= a[i] >> 1;
    }
    return s;
}

static double mix_13(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 13.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 16.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_14(int n) {
    return n < 2 ? n : fib_14(n - 1) + fib_14(n - 2) + 4;
}

static void name_14(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n14_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_15(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 5.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_16(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 4 == 0) s += a[i] * 17;
        else s -= a[i] >> 2;
    }
    return s;
}

static double mix_17(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 17.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 20.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_18(int n) {
    return n < 2 ? n : fib_18(n - 1) + fib_18(n - 2) + 3;
}

static void name_18(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n18_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_19(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 9.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_20(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 8 == 0) s += a[i] * 21;
        else s -= a[i] >> 3;
    }
    return s;
}

static double mix_21(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 21.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 24.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_22(int n) {
    return n < 2 ? n : fib_22(n - 1) + fib_22(n - 2) + 2;
}

static void name_22(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n22_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_23(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 3.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_24(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 5 == 0) s += a[i] * 25;
        else s -= a[i] >> 1;
    }
    return s;
}

static double mix_25(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 25.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 28.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_26(int n) {
    return n < 2 ? n : fib_26(n - 1) + fib_26(n - 2) + 1;
}

static void name_26(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n26_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_27(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 7.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_28(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 2 == 0) s += a[i] * 29;
        else s -= a[i] >> 2;
    }
    return s;
}

static double mix_29(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 29.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 32.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_30(int n) {
    return n < 2 ? n : fib_30(n - 1) + fib_30(n - 2) + 0;
}

static void name_30(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n30_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_31(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 1.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_32(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 6 == 0) s += a[i] * 33;
        else s -= a[i] >> 3;
    }
    return s;
}

static double mix_33(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 33.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 36.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_34(int n) {
    return n < 2 ? n : fib_34(n - 1) + fib_34(n - 2) + 4;
}

static void name_34(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n34_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_35(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 5.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_36(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 3 == 0) s += a[i] * 37;
        else s -= a[i] >> 1;
    }
    return s;
}

static double mix_37(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 37.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 40.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_38(int n) {
    return n < 2 ? n : fib_38(n - 1) + fib_38(n - 2) + 3;
}

static void name_38(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n38_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_39(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 9.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_40(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 7 == 0) s += a[i] * 41;
        else s -= a[i] >> 2;
    }
    return s;
}

static double mix_41(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 41.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 44.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_42(int n) {
    return n < 2 ? n : fib_42(n - 1) + fib_42(n - 2) + 2;
}

static void name_42(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n42_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_43(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 3.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_44(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 4 == 0) s += a[i] * 45;
        else s -= a[i] >> 3;
    }
    return s;
}

static double mix_45(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 45.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 48.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_46(int n) {
    return n < 2 ? n : fib_46(n - 1) + fib_46(n - 2) + 1;
}

static void name_46(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n46_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_47(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 7.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_48(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 8 == 0) s += a[i] * 49;
        else s -= a[i] >> 1;
    }
    return s;
}

static double mix_49(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 49.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 52.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_50(int n) {
    return n < 2 ? n : fib_50(n - 1) + fib_50(n - 2) + 0;
}

static void name_50(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n50_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_51(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 1.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_52(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 5 == 0) s += a[i] * 53;
        else s -= a[i] >> 2;
    }
    return s;
}

static double mix_53(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 53.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 56.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_54(int n) {
    return n < 2 ? n : fib_54(n - 1) + fib_54(n - 2) + 4;
}

static void name_54(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n54_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_55(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 5.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_56(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 2 == 0) s += a[i] * 57;
        else s -= a[i] >> 3;
    }
    return s;
}

static double mix_57(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 57.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 60.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_58(int n) {
    return n < 2 ? n : fib_58(n - 1) + fib_58(n - 2) + 3;
}

static void name_58(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n58_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_59(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 9.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_60(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 6 == 0) s += a[i] * 61;
        else s -= a[i] >> 1;
    }
    return s;
}

static double mix_61(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 61.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 64.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_62(int n) {
    return n < 2 ? n : fib_62(n - 1) + fib_62(n - 2) + 2;
}

static void name_62(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n62_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_63(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 3.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_64(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 3 == 0) s += a[i] * 65;
        else s -= a[i] >> 2;
    }
    return s;
}

static double mix_65(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 65.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 68.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_66(int n) {
    return n < 2 ? n : fib_66(n - 1) + fib_66(n - 2) + 1;
}

static void name_66(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n66_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_67(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 7.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_68(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 7 == 0) s += a[i] * 69;
        else s -= a[i] >> 3;
    }
    return s;
}

static double mix_69(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 69.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 72.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_70(int n) {
    return n < 2 ? n : fib_70(n - 1) + fib_70(n - 2) + 0;
}

static void name_70(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n70_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_71(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 1.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_72(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 4 == 0) s += a[i] * 73;
        else s -= a[i] >> 1;
    }
    return s;
}

static double mix_73(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 73.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 76.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_74(int n) {
    return n < 2 ? n : fib_74(n - 1) + fib_74(n - 2) + 4;
}

static void name_74(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n74_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_75(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 5.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_76(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 8 == 0) s += a[i] * 77;
        else s -= a[i] >> 2;
    }
    return s;
}

static double mix_77(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 77.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 80.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_78(int n) {
    return n < 2 ? n : fib_78(n - 1) + fib_78(n - 2) + 3;
}

static void name_78(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n78_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_79(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 9.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_80(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 5 == 0) s += a[i] * 81;
        else s -= a[i] >> 3;
    }
    return s;
}

static double mix_81(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 81.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 84.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_82(int n) {
    return n < 2 ? n : fib_82(n - 1) + fib_82(n - 2) + 2;
}

static void name_82(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n82_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_83(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 3.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_84(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 2 == 0) s += a[i] * 85;
        else s -= a[i] >> 1;
    }
    return s;
}

static double mix_85(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 85.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 88.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_86(int n) {
    return n < 2 ? n : fib_86(n - 1) + fib_86(n - 2) + 1;
}

static void name_86(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n86_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_87(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 7.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_88(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 6 == 0) s += a[i] * 89;
        else s -= a[i] >> 2;
    }
    return s;
}

static double mix_89(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 89.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 92.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_90(int n) {
    return n < 2 ? n : fib_90(n - 1) + fib_90(n - 2) + 0;
}

static void name_90(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n90_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_91(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 1.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_92(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 3 == 0) s += a[i] * 93;
        else s -= a[i] >> 3;
    }
    return s;
}

static double mix_93(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 93.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 96.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_94(int n) {
    return n < 2 ? n : fib_94(n - 1) + fib_94(n - 2) + 4;
}

static void name_94(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n94_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_95(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 5.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_96(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 7 == 0) s += a[i] * 97;
        else s -= a[i] >> 1;
    }
    return s;
}

static double mix_97(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 97.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 100.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_98(int n) {
    return n < 2 ? n : fib_98(n - 1) + fib_98(n - 2) + 3;
}

static void name_98(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n98_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_99(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 9.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_100(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 4 == 0) s += a[i] * 101;
        else s -= a[i] >> 2;
    }
    return s;
}

static double mix_101(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 101.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 104.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_102(int n) {
    return n < 2 ? n : fib_102(n - 1) + fib_102(n - 2) + 2;
}

static void name_102(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n102_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_103(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 3.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_104(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 8 == 0) s += a[i] * 105;
        else s -= a[i] >> 3;
    }
    return s;
}

static double mix_105(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 105.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 108.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_106(int n) {
    return n < 2 ? n : fib_106(n - 1) + fib_106(n - 2) + 1;
}

static void name_106(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n106_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_107(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 7.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_108(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 5 == 0) s += a[i] * 109;
        else s -= a[i] >> 1;
    }
    return s;
}

static double mix_109(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 109.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 112.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_110(int n) {
    return n < 2 ? n : fib_110(n - 1) + fib_110(n - 2) + 0;
}

static void name_110(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n110_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_111(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 1.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_112(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 2 == 0) s += a[i] * 113;
        else s -= a[i] >> 2;
    }
    return s;
}

static double mix_113(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 113.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 116.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_114(int n) {
    return n < 2 ? n : fib_114(n - 1) + fib_114(n - 2) + 4;
}

static void name_114(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n114_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_115(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 5.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_116(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 6 == 0) s += a[i] * 117;
        else s -= a[i] >> 3;
    }
    return s;
}

static double mix_117(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 117.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 120.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_118(int n) {
    return n < 2 ? n : fib_118(n - 1) + fib_118(n - 2) + 3;
}

static void name_118(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n118_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_119(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 9.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_120(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 3 == 0) s += a[i] * 121;
        else s -= a[i] >> 1;
    }
    return s;
}

static double mix_121(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 121.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 124.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_122(int n) {
    return n < 2 ? n : fib_122(n - 1) + fib_122(n - 2) + 2;
}

static void name_122(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n122_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_123(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 3.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_124(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 7 == 0) s += a[i] * 125;
        else s -= a[i] >> 2;
    }
    return s;
}

static double mix_125(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 125.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 128.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_126(int n) {
    return n < 2 ? n : fib_126(n - 1) + fib_126(n - 2) + 1;
}

static void name_126(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n126_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_127(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 7.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_128(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 4 == 0) s += a[i] * 129;
        else s -= a[i] >> 3;
    }
    return s;
}

static double mix_129(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 129.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 132.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_130(int n) {
    return n < 2 ? n : fib_130(n - 1) + fib_130(n - 2) + 0;
}

static void name_130(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n130_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_131(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 1.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_132(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 8 == 0) s += a[i] * 133;
        else s -= a[i] >> 1;
    }
    return s;
}

static double mix_133(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 133.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 136.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_134(int n) {
    return n < 2 ? n : fib_134(n - 1) + fib_134(n - 2) + 4;
}

static void name_134(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n134_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_135(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 5.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_136(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 5 == 0) s += a[i] * 137;
        else s -= a[i] >> 2;
    }
    return s;
}

static double mix_137(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 137.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 140.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_138(int n) {
    return n < 2 ? n : fib_138(n - 1) + fib_138(n - 2) + 3;
}

static void name_138(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n138_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_139(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 9.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_140(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 2 == 0) s += a[i] * 141;
        else s -= a[i] >> 3;
    }
    return s;
}

static double mix_141(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 141.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 144.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_142(int n) {
    return n < 2 ? n : fib_142(n - 1) + fib_142(n - 2) + 2;
}

static void name_142(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n142_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_143(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 3.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_144(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 6 == 0) s += a[i] * 145;
        else s -= a[i] >> 1;
    }
    return s;
}

static double mix_145(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 145.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 148.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_146(int n) {
    return n < 2 ? n : fib_146(n - 1) + fib_146(n - 2) + 1;
}

static void name_146(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n146_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_147(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 7.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_148(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 3 == 0) s += a[i] * 149;
        else s -= a[i] >> 2;
    }
    return s;
}

static double mix_149(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 149.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 152.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_150(int n) {
    return n < 2 ? n : fib_150(n - 1) + fib_150(n - 2) + 0;
}

static void name_150(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n150_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_151(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 1.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_152(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 7 == 0) s += a[i] * 153;
        else s -= a[i] >> 3;
    }
    return s;
}

static double mix_153(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 153.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 156.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_154(int n) {
    return n < 2 ? n : fib_154(n - 1) + fib_154(n - 2) + 4;
}

static void name_154(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n154_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_155(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 5.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_156(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 4 == 0) s += a[i] * 157;
        else s -= a[i] >> 1;
    }
    return s;
}

static double mix_157(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 157.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 160.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_158(int n) {
    return n < 2 ? n : fib_158(n - 1) + fib_158(n - 2) + 3;
}

static void name_158(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n158_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_159(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 9.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_160(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 8 == 0) s += a[i] * 161;
        else s -= a[i] >> 2;
    }
    return s;
}

static double mix_161(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 161.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 164.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_162(int n) {
    return n < 2 ? n : fib_162(n - 1) + fib_162(n - 2) + 2;
}

static void name_162(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n162_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_163(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 3.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_164(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 5 == 0) s += a[i] * 165;
        else s -= a[i] >> 3;
    }
    return s;
}

static double mix_165(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 165.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 168.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

static int fib_166(int n) {
    return n < 2 ? n : fib_166(n - 1) + fib_166(n - 2) + 1;
}

static void name_166(struct item *it, int n) {
    for (int i = 0; i < n; i++) {
        snprintf(it[i].name, sizeof it[i].name, "n166_%d", it[i].key);
        it[i].next = i + 1 < n ? &it[i + 1] : NULL;
    }
}

static int walk_167(const struct item *it) {
    int count = 0;
    for (; it; it = it->next) {
        if (it->weight > 7.0) count++;
        if (it->name[0] == 'x') break;
    }
    return count;
}

static int sum_168(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] % 2 == 0) s += a[i] * 169;
        else s -= a[i] >> 1;
    }
    return s;
}

static double mix_169(struct item *it, int n) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        switch (it[i].key & 3) {
        case 0: acc += it[i].weight * 169.5; break;
        case 1: acc -= it[i].weight; break;
        case 2: acc *= 1.0 + it[i].weight / 172.0; break;
        default: acc += strlen(it[i].name);
        }
    }
    return acc;
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 64;
    int *a = calloc(n, sizeof *a);
    struct item *it = calloc(n, sizeof *it);
    for (int i = 0; i < n; i++) { a[i] = i * 7 - 3; it[i].key = i; it[i].weight = i / 3.0; }
    double total = 0;
    total += sum_0(a, n);
    total += mix_1(it, n);
    name_2(it, n);
    total += fib_2(10);
    total += walk_3(it);
    total += sum_4(a, n);
    total += mix_5(it, n);
    name_6(it, n);
    total += fib_6(10);
    total += walk_7(it);
    total += sum_8(a, n);
    total += mix_9(it, n);
    name_10(it, n);
    total += fib_10(10);
    total += walk_11(it);
    total += sum_12(a, n);
    total += mix_13(it, n);
    name_14(it, n);
    total += fib_14(10);
    total += walk_15(it);
    total += sum_16(a, n);
    total += mix_17(it, n);
    name_18(it, n);
    total += fib_18(10);
    total += walk_19(it);
    total += sum_20(a, n);
    total += mix_21(it, n);
    name_22(it, n);
    total += fib_22(10);
    total += walk_23(it);
    total += sum_24(a, n);
    total += mix_25(it, n);
    name_26(it, n);
    total += fib_26(10);
    total += walk_27(it);
    total += sum_28(a, n);
    total += mix_29(it, n);
    name_30(it, n);
    total += fib_30(10);
    total += walk_31(it);
    total += sum_32(a, n);
    total += mix_33(it, n);
    name_34(it, n);
    total += fib_34(10);
    total += walk_35(it);
    total += sum_36(a, n);
    total += mix_37(it, n);
    name_38(it, n);
    total += fib_38(10);
    total += walk_39(it);
    total += sum_40(a, n);
    total += mix_41(it, n);
    name_42(it, n);
    total += fib_42(10);
    total += walk_43(it);
    total += sum_44(a, n);
    total += mix_45(it, n);
    name_46(it, n);
    total += fib_46(10);
    total += walk_47(it);
    total += sum_48(a, n);
    total += mix_49(it, n);
    name_50(it, n);
    total += fib_50(10);
    total += walk_51(it);
    total += sum_52(a, n);
    total += mix_53(it, n);
    name_54(it, n);
    total += fib_54(10);
    total += walk_55(it);
    total += sum_56(a, n);
    total += mix_57(it, n);
    name_58(it, n);
    total += fib_58(10);
    total += walk_59(it);
    total += sum_60(a, n);
    total += mix_61(it, n);
    name_62(it, n);
    total += fib_62(10);
    total += walk_63(it);
    total += sum_64(a, n);
    total += mix_65(it, n);
    name_66(it, n);
    total += fib_66(10);
    total += walk_67(it);
    total += sum_68(a, n);
    total += mix_69(it, n);
    name_70(it, n);
    total += fib_70(10);
    total += walk_71(it);
    total += sum_72(a, n);
    total += mix_73(it, n);
    name_74(it, n);
    total += fib_74(10);
    total += walk_75(it);
    total += sum_76(a, n);
    total += mix_77(it, n);
    name_78(it, n);
    total += fib_78(10);
    total += walk_79(it);
    total += sum_80(a, n);
    total += mix_81(it, n);
    name_82(it, n);
    total += fib_82(10);
    total += walk_83(it);
    total += sum_84(a, n);
    total += mix_85(it, n);
    name_86(it, n);
    total += fib_86(10);
    total += walk_87(it);
    total += sum_88(a, n);
    total += mix_89(it, n);
    name_90(it, n);
    total += fib_90(10);
    total += walk_91(it);
    total += sum_92(a, n);
    total += mix_93(it, n);
    name_94(it, n);
    total += fib_94(10);
    total += walk_95(it);
    total += sum_96(a, n);
    total += mix_97(it, n);
    name_98(it, n);
    total += fib_98(10);
    total += walk_99(it);
    total += sum_100(a, n);
    total += mix_101(it, n);
    name_102(it, n);
    total += fib_102(10);
    total += walk_103(it);
    total += sum_104(a, n);
    total += mix_105(it, n);
    name_106(it, n);
    total += fib_106(10);
    total += walk_107(it);
    total += sum_108(a, n);
    total += mix_109(it, n);
    name_110(it, n);
    total += fib_110(10);
    total += walk_111(it);
    total += sum_112(a, n);
    total += mix_113(it, n);
    name_114(it, n);
    total += fib_114(10);
    total += walk_115(it);
    total += sum_116(a, n);
    total += mix_117(it, n);
    name_118(it, n);
    total += fib_118(10);
    total += walk_119(it);
    total += sum_120(a, n);
    total += mix_121(it, n);
    name_122(it, n);
    total += fib_122(10);
    total += walk_123(it);
    total += sum_124(a, n);
    total += mix_125(it, n);
    name_126(it, n);
    total += fib_126(10);
    total += walk_127(it);
    total += sum_128(a, n);
    total += mix_129(it, n);
    name_130(it, n);
    total += fib_130(10);
    total += walk_131(it);
    total += sum_132(a, n);
    total += mix_133(it, n);
    name_134(it, n);
    total += fib_134(10);
    total += walk_135(it);
    total += sum_136(a, n);
    total += mix_137(it, n);
    name_138(it, n);
    total += fib_138(10);
    total += walk_139(it);
    total += sum_140(a, n);
    total += mix_141(it, n);
    name_142(it, n);
    total += fib_142(10);
    total += walk_143(it);
    total += sum_144(a, n);
    total += mix_145(it, n);
    name_146(it, n);
    total += fib_146(10);
    total += walk_147(it);
    total += sum_148(a, n);
    total += mix_149(it, n);
    name_150(it, n);
    total += fib_150(10);
    total += walk_151(it);
    total += sum_152(a, n);
    total += mix_153(it, n);
    name_154(it, n);
    total += fib_154(10);
    total += walk_155(it);
    total += sum_156(a, n);
    total += mix_157(it, n);
    name_158(it, n);
    total += fib_158(10);
    total += walk_159(it);
    total += sum_160(a, n);
    total += mix_161(it, n);
    name_162(it, n);
    total += fib_162(10);
    total += walk_163(it);
    total += sum_164(a, n);
    total += mix_165(it, n);
    name_166(it, n);
    total += fib_166(10);
    total += walk_167(it);
    total += sum_168(a, n);
    total += mix_169(it, n);
    printf("%.3f\n", total);
    free(a);
    free(it);
    return 0;
}
