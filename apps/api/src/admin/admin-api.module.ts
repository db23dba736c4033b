import { AnalyticsQueryService } from '@app/analytics';
import { Task } from '@app/tasks';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AdminController } from './admin.controller';
import { AdminQueuesService } from './admin-queues.service';

/** The admin dashboard's own JSON endpoints (/admin/api/*); the pages are served by setupAdminUi. */
@Module({
  imports: [TypeOrmModule.forFeature([Task])],
  controllers: [AdminController],
  providers: [
    AdminQueuesService,
    {
      provide: AnalyticsQueryService,
      inject: [DataSource],
      useFactory: (db: DataSource) => new AnalyticsQueryService(db),
    },
  ],
})
export class AdminApiModule {}
