/*
 * The echo protocol between echo-client and echo-server, through the gate
 * of the service "echo" (label ECHO_PROTO):
 *   MR0 = ECHO_OP_ECHO, MR1.. words   reply: the same words, MR0 included
 *   MR0 = ECHO_OP_STOP                reply: empty; the server then exits
 */
#ifndef DEMO_ECHO_H
#define DEMO_ECHO_H

#define ECHO_PROTO 0x4543 /* "EC" */
#define ECHO_OP_ECHO 1
#define ECHO_OP_STOP 2

#endif
