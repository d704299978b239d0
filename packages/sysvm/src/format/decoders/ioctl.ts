// ioctl request names for the terminal and file requests programs make all the time. Others
// are shown in hex (strace would spell out their _IOC() encoding).
import { valueDecoder, type Decoder } from '../xlat.js';

export const ioctlRequest: Decoder = valueDecoder([
  ['TCGETS', 0x5401], ['TCSETS', 0x5402], ['TCSETSW', 0x5403], ['TCSETSF', 0x5404],
  ['TCGETA', 0x5405], ['TCSETA', 0x5406], ['TCSETAW', 0x5407], ['TCSETAF', 0x5408],
  ['TCSBRK', 0x5409], ['TCXONC', 0x540a], ['TCFLSH', 0x540b], ['TIOCEXCL', 0x540c],
  ['TIOCNXCL', 0x540d], ['TIOCSCTTY', 0x540e], ['TIOCGPGRP', 0x540f], ['TIOCSPGRP', 0x5410],
  ['TIOCOUTQ', 0x5411], ['TIOCSTI', 0x5412], ['TIOCGWINSZ', 0x5413], ['TIOCSWINSZ', 0x5414],
  ['TIOCMGET', 0x5415], ['TIOCMBIS', 0x5416], ['TIOCMBIC', 0x5417], ['TIOCMSET', 0x5418],
  ['FIONREAD', 0x541b], ['TIOCLINUX', 0x541c], ['TIOCCONS', 0x541d], ['FIONBIO', 0x5421],
  ['TIOCNOTTY', 0x5422], ['TIOCSETD', 0x5423], ['TIOCGETD', 0x5424], ['TIOCSBRK', 0x5427],
  ['TIOCCBRK', 0x5428], ['TIOCGSID', 0x5429], ['TCGETS2', 0x802c542a], ['TCSETS2', 0x402c542b],
  ['TIOCGPTN', 0x80045430], ['TIOCSPTLCK', 0x40045431], ['TIOCGDEV', 0x80045432],
  ['TIOCGPTPEER', 0x5441], ['FIONCLEX', 0x5450], ['FIOCLEX', 0x5451], ['FIOASYNC', 0x5452],
  ['TIOCSERGETLSR', 0x5459], ['FIOQSIZE', 0x5460], ['FS_IOC_GETFLAGS', 0x80086601],
  ['FS_IOC_SETFLAGS', 0x40086602], ['FICLONE', 0x40049409], ['BLKGETSIZE64', 0x80081272],
  ['BLKSSZGET', 0x1268], ['SIOCGIFCONF', 0x8912], ['SIOCGIFFLAGS', 0x8913], ['SIOCGIFINDEX', 0x8933],
], { width: 32, format: 'hex' });
