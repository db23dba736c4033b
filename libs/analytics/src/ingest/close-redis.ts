import type Redis from 'ioredis';

/**
 * QUIT, or disconnect when that fails; nothing when BullMQ already ended the connection (a disconnect
 * then would leave ioredis' 2 s socket-destroy timer holding the process open).
 */
export async function closeRedis(connection: Redis | undefined): Promise<void> {
  if (!connection || connection.status === 'end') return;
  await connection.quit().catch(() => {
    if (connection.status !== 'end') connection.disconnect();
  });
}
