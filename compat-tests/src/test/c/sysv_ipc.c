/*
 * sysv_ipc: System V message queues, semaphores and shared memory, within a process and between a
 * parent and a forked child (IPC_PRIVATE objects only, each removed at the end, so nothing is left
 * on the host); "anon" is the same sharing through mmap(MAP_SHARED|MAP_ANONYMOUS).
 * Usage: sysv_ipc msg|sem|shm|anon. Children report through their exit status.
 */
#define _GNU_SOURCE
#include "guest.h"
#include <signal.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct msg { long type; char text[32]; };

static int child_status(pid_t pid) {
    int st;
    if (waitpid(pid, &st, 0) != pid) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, 0);
}

static void on_alarm(int sig) { (void)sig; }

static void msg_case(void) {
    int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    CHECK(q >= 0);
    struct msg m = {3, "three"};
    CHECK(msgsnd(q, &m, 6, 0) == 0);
    m.type = 1; strcpy(m.text, "one");
    CHECK(msgsnd(q, &m, 4, 0) == 0);
    m.type = 2; strcpy(m.text, "two, a longer text");
    CHECK(msgsnd(q, &m, 19, IPC_NOWAIT) == 0);
    struct msqid_ds ds;
    CHECK(msgctl(q, IPC_STAT, &ds) == 0);
    CHECK(ds.msg_qnum == 3);
    CHECK(ds.msg_cbytes == 29);
    CHECK(ds.msg_lspid == getpid());
    CHECK((ds.msg_perm.mode & 0777) == 0600);
    CHECK(ds.msg_perm.uid == geteuid());
    struct msg r;
    /* Type 2 exactly, too big for 5 bytes: E2BIG leaves it queued; MSG_NOERROR truncates. */
    CHECK_ERRNO(msgrcv(q, &r, 5, 2, IPC_NOWAIT), E2BIG);
    memset(&r, 0, sizeof r);
    CHECK(msgrcv(q, &r, 5, 2, IPC_NOWAIT | MSG_NOERROR) == 5);
    CHECK(r.type == 2 && memcmp(r.text, "two, ", 5) == 0);
    /* Negative type: the lowest type <= 3 first. */
    CHECK(msgrcv(q, &r, sizeof r.text, -3, IPC_NOWAIT) == 4 && r.type == 1 && strcmp(r.text, "one") == 0);
    /* MSG_EXCEPT: any type but 3: none left. */
    CHECK_ERRNO(msgrcv(q, &r, sizeof r.text, 3, IPC_NOWAIT | MSG_EXCEPT), ENOMSG);
    CHECK(msgrcv(q, &r, sizeof r.text, 0, IPC_NOWAIT) == 6 && r.type == 3);
    CHECK_ERRNO(msgrcv(q, &r, sizeof r.text, 0, IPC_NOWAIT), ENOMSG);
    m.type = 0;
    CHECK_ERRNO(msgsnd(q, &m, 4, 0), EINVAL);
    /* A blocked receiver is woken by the child's message. */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        sleep_ms(100);
        struct msg c = {7, "from child"};
        _exit(msgsnd(q, &c, 11, 0) == 0 ? 0 : 1);
    }
    memset(&r, 0, sizeof r);
    CHECK(msgrcv(q, &r, sizeof r.text, 7, 0) == 11 && strcmp(r.text, "from child") == 0);
    CHECK(child_status(pid) == 0);
    CHECK(msgctl(q, IPC_STAT, &ds) == 0 && ds.msg_lspid == pid && ds.msg_lrpid == getpid());
    /* A signal interrupts a blocked msgrcv with EINTR. */
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, 0);
    alarm(1);
    CHECK_ERRNO(msgrcv(q, &r, sizeof r.text, 0, 0), EINTR);
    /* Removal wakes a blocked receiver in another process with EIDRM. */
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        errno = 0;
        long n = msgrcv(q, &r, sizeof r.text, 0, 0);
        _exit(n == -1 && errno == EIDRM ? 0 : 1);
    }
    sleep_ms(200);
    CHECK(msgctl(q, IPC_RMID, 0) == 0);
    CHECK(child_status(pid) == 0);
    CHECK_ERRNO(msgsnd(q, &m, 4, 0), EINVAL);
    CHECK_ERRNO(msgget(IPC_PRIVATE + 12345, 0), ENOENT);
}

static void sem_case(void) {
    int s = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);
    CHECK(s >= 0);
    struct semid_ds ds;
    CHECK(semctl(s, 0, IPC_STAT, &ds) == 0 && ds.sem_nsems == 3 && ds.sem_otime == 0);
    unsigned short set[3] = {1, 2, 3}, got[3];
    CHECK(semctl(s, 0, SETALL, set) == 0);
    CHECK(semctl(s, 0, GETALL, got) == 0 && got[0] == 1 && got[1] == 2 && got[2] == 3);
    /* All or nothing: the second op would block, so the first is not applied either. */
    struct sembuf two[2] = {{0, -1, IPC_NOWAIT}, {1, -5, IPC_NOWAIT}};
    CHECK_ERRNO(semop(s, two, 2), EAGAIN);
    CHECK(semctl(s, 0, GETVAL) == 1);
    two[1].sem_op = -2;
    CHECK(semop(s, two, 2) == 0);
    CHECK(semctl(s, 0, GETVAL) == 0 && semctl(s, 1, GETVAL) == 0);
    CHECK(semctl(s, 1, GETPID) == getpid());
    struct sembuf bad = {3, 1, 0};
    CHECK_ERRNO(semop(s, &bad, 1), EFBIG);
    CHECK_ERRNO(semctl(s, 0, SETVAL, 40000), ERANGE);
    CHECK_ERRNO(semctl(s, 5, GETVAL), EINVAL);
    /* Wait for zero and a timed wait that times out. */
    struct sembuf zero = {2, 0, IPC_NOWAIT};
    CHECK_ERRNO(semop(s, &zero, 1), EAGAIN);
    struct sembuf dec = {0, -1, 0};
    struct timespec ts = {0, 100000000};
    CHECK_ERRNO(semtimedop(s, &dec, 1, &ts), EAGAIN);
    /* A blocked decrement is woken by the child's increment; the parent is counted as waiting meanwhile. */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        int waited = 0;
        for (int i = 0; i < 200 && semctl(s, 0, GETNCNT) != 1; i++) sleep_ms(10);
        waited = semctl(s, 0, GETNCNT) == 1;
        struct sembuf inc = {0, 1, 0};
        _exit(waited && semop(s, &inc, 1) == 0 ? 0 : 1);
    }
    CHECK(semop(s, &dec, 1) == 0);
    CHECK(child_status(pid) == 0);
    CHECK(semctl(s, 0, GETVAL) == 0 && semctl(s, 0, GETNCNT) == 0);
    CHECK(semctl(s, 0, IPC_STAT, &ds) == 0 && ds.sem_otime != 0);
    CHECK(semctl(s, 0, IPC_RMID) == 0);
    CHECK_ERRNO(semctl(s, 0, GETVAL), EINVAL);
}

static void shm_case(void) {
    int id = shmget(IPC_PRIVATE, 10000, IPC_CREAT | 0600);
    CHECK(id >= 0);
    struct shmid_ds ds;
    CHECK(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_segsz == 10000 && ds.shm_nattch == 0 && ds.shm_cpid == getpid());
    char *p = shmat(id, 0, 0);
    CHECK(p != (void *)-1);
    CHECK(((unsigned long)p & 4095) == 0);
    CHECK(p[0] == 0 && p[9999] == 0);
    CHECK(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_nattch == 1);
    strcpy(p, "parent");
    /* A second attachment of the same segment shows the same bytes. */
    char *q = shmat(id, 0, SHM_RDONLY);
    CHECK(q != (void *)-1 && q != p && strcmp(q, "parent") == 0);
    CHECK(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_nattch == 2);
    CHECK(shmdt(q) == 0);
    CHECK_ERRNO(shmdt(q), EINVAL);
    CHECK_ERRNO(shmdt(p + 4096), EINVAL);
    /* Attachments survive fork and stay shared; a segment attached in the child is seen by the parent. */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        int ok = strcmp(p, "parent") == 0;
        strcpy(p + 100, "child");
        char *c = shmat(id, 0, 0);
        ok &= c != (void *)-1 && strcmp(c + 100, "child") == 0;
        c[200] = 'x';
        _exit(ok ? 0 : 1);
    }
    CHECK(child_status(pid) == 0);
    CHECK(strcmp(p + 100, "child") == 0 && p[200] == 'x');
    /* Removed while attached: the key goes, the id and the memory stay until the last detach (and Linux
       still lets the id be attached meanwhile). */
    CHECK(shmctl(id, IPC_RMID, 0) == 0);
    strcpy(p, "still here");
    char *again = shmat(id, 0, 0);
    CHECK(again != (void *)-1 && strcmp(again, "still here") == 0);
    CHECK(shmctl(id, IPC_STAT, &ds) == 0 && (ds.shm_perm.mode & SHM_DEST) && ds.shm_nattch == 2);
    CHECK(shmdt(again) == 0);
    CHECK(shmdt(p) == 0);
    CHECK_ERRNO(shmctl(id, IPC_STAT, &ds), EINVAL);
    CHECK_ERRNO(shmget(IPC_PRIVATE, 0, IPC_CREAT | 0600), EINVAL);
    /* A key: IPC_CREAT|IPC_EXCL on an existing one fails; a bigger size than it has fails. */
    key_t key = 0x6a6c6962 ^ (getpid() & 0xffff);
    int k = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
    CHECK(k >= 0);
    CHECK_ERRNO(shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
    CHECK_ERRNO(shmget(key, 8192, 0600), EINVAL);
    CHECK(shmget(key, 0, 0) == k);
    CHECK(shmctl(k, IPC_RMID, 0) == 0);
    CHECK_ERRNO(shmget(key, 0, 0), ENOENT);
}

/* MAP_SHARED|MAP_ANONYMOUS memory is the same pages in parent and children; MAP_PRIVATE is copied. */
static void anon_case(void) {
    long *shared = mmap(0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    long *private = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(shared != MAP_FAILED && private != MAP_FAILED);
    shared[0] = 1;
    private[0] = 1;
    fflush(stdout);
    /* One child after the other: lock-prefixed instructions are not atomic between two jlibos processes
       (each runs on its own engine, which does not translate them as host atomics), so concurrent
       counting is not compared here. */
    enum { CHILDREN = 3, ADDS = 100000 };
    for (int c = 0; c < CHILDREN; c++) {
        pid_t p = fork();
        if (p == 0) {
            for (int i = 0; i < ADDS; i++) __sync_fetch_and_add(&shared[1024], 1);
            shared[1500 + c] = 100 + c;
            private[0] = 7;
            _exit(0);
        }
        CHECK(child_status(p) == 0);
    }
    for (int i = 0; i < ADDS; i++) __sync_fetch_and_add(&shared[1024], 1);
    CHECK(shared[1024] == (CHILDREN + 1) * ADDS);
    CHECK(shared[1500] == 100 && shared[1501] == 101 && shared[1502] == 102);
    CHECK(private[0] == 1);
    /* A grandchild too, after the parent wrote. */
    shared[0] = 5;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        pid_t g = fork();
        if (g == 0) {
            shared[0] *= 3;
            _exit(0);
        }
        _exit(child_status(g) == 0 && shared[0] == 15 ? 0 : 1);
    }
    CHECK(child_status(pid) == 0);
    CHECK(shared[0] == 15);
    CHECK(munmap(shared, 3 * 4096) == 0 && munmap(private, 4096) == 0);
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "msg") == 0) msg_case();
    else if (strcmp(mode, "sem") == 0) sem_case();
    else if (strcmp(mode, "shm") == 0) shm_case();
    else if (strcmp(mode, "anon") == 0) anon_case();
    else { printf("usage: sysv_ipc msg|sem|shm|anon\n"); return 2; }
    return guest_finish();
}
