#ifndef BULWARK_SERIAL_H
#define BULWARK_SERIAL_H

void serial_init(void);
void serial_write(const char *s, unsigned long n);
/* Wait until the UART's transmitter is empty (both THRE and TEMT). */
void serial_drain(void);

#endif
