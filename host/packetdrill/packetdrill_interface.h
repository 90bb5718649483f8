// The interface packetdrill loads a TCP stack through in its shared-object
// mode (`packetdrill --so_filename=LIB.so --so_flags=FLAGS script.pkt`).
//
// Written here for tcpoe, field for field in the order and with the types
// of `struct packetdrill_interface` in packetdrill's
// gtests/net/packetdrill/packetdrill.h (github.com/google/packetdrill,
// GPL-2.0; nothing is copied from it: this is the binary interface it
// documents). tests/conformance/check_interface.py compares the two where
// packetdrill's source is present (TCPOE_PACKETDRILL_SRC).
//
// packetdrill calls packetdrill_interface_init(flags, ifc) once, after
// dlopen(), and then the function pointers with ifc->userdata; every socket
// call returns what the system call would (-1 with errno set on failure).
#pragma once

#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

extern "C" {

struct packetdrill_interface {
  void* userdata;
  void (*free)(void* userdata);
  int (*socket)(void* userdata, int domain, int type, int protocol);
  int (*bind)(void* userdata, int sockfd, const struct sockaddr* addr, socklen_t addrlen);
  int (*listen)(void* userdata, int sockfd, int backlog);
  int (*accept)(void* userdata, int sockfd, struct sockaddr* addr, socklen_t* addrlen);
  int (*connect)(void* userdata, int sockfd, const struct sockaddr* addr, socklen_t addrlen);
  ssize_t (*read)(void* userdata, int fd, void* buf, size_t count);
  ssize_t (*readv)(void* userdata, int fd, const struct iovec* iov, int iovcnt);
  ssize_t (*recv)(void* userdata, int sockfd, void* buf, size_t len, int flags);
  ssize_t (*recvfrom)(void* userdata, int sockfd, void* buf, size_t len, int flags,
                      struct sockaddr* src_addr, socklen_t* addrlen);
  ssize_t (*recvmsg)(void* userdata, int sockfd, struct msghdr* msg, int flags);
  ssize_t (*write)(void* userdata, int fd, const void* buf, size_t count);
  ssize_t (*writev)(void* userdata, int fd, const struct iovec* iov, int iovcnt);
  ssize_t (*send)(void* userdata, int sockfd, const void* buf, size_t len, int flags);
  ssize_t (*sendto)(void* userdata, int sockfd, const void* buf, size_t len, int flags,
                    const struct sockaddr* dest_addr, socklen_t addrlen);
  ssize_t (*sendmsg)(void* userdata, int sockfd, const struct msghdr* msg, int flags);
  int (*fcntl)(void* userdata, int fd, int cmd, ...);
  int (*ioctl)(void* userdata, int fd, unsigned long request, ...);
  int (*close)(void* userdata, int fd);
  int (*shutdown)(void* userdata, int sockfd, int how);
  int (*getsockopt)(void* userdata, int sockfd, int level, int optname, void* optval, socklen_t* optlen);
  int (*setsockopt)(void* userdata, int sockfd, int level, int optname, const void* optval,
                    socklen_t optlen);
  int (*poll)(void* userdata, struct pollfd* fds, nfds_t nfds, int timeout);
  // A packet into the stack (an IPv4 packet, no link-layer header): 0, or -1.
  int (*netdev_send)(void* userdata, const void* buf, size_t count);
  // The next packet out of the stack into buf (*count: its size in, the
  // packet's length out, 0 for none) and when it left (time_usecs).
  int (*netdev_receive)(void* userdata, void* buf, size_t* count, long long* time_usecs);
  // The stack's own clock, which packetdrill times the script by.
  int (*usleep)(void* userdata, useconds_t usec);
  int (*gettimeofday)(void* userdata, struct timeval* tv, struct timezone* tz);
  int (*epoll_create)(void* userdata, int size);
  int (*epoll_ctl)(void* userdata, int epfd, int op, int fd, struct epoll_event* event);
  int (*epoll_wait)(void* userdata, int epfd, struct epoll_event* events, int maxevents, int timeout);
  int (*pipe)(void* userdata, int pipefd[2]);
  int (*splice)(void* userdata, int fd_in, loff_t* off_in, int fd_out, loff_t* off_out, size_t len,
                unsigned int flags);
};

// Exported by libtcpoe_packetdrill.so.
void packetdrill_interface_init(const char* flags, struct packetdrill_interface* ifc);

}  // extern "C"
