"""The portal's Vietnamese names for third-party apps the administration lists (their own are
English and not translatable: AppConfig.verbose_name)."""
from axes.apps import AppConfig as AxesAppConfig
from django_tasks_db.apps import TasksAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = "Chống dò mật khẩu (đăng nhập sai)"


class ExportQueueConfig(TasksAppConfig):
    verbose_name = "Hàng đợi tạo tệp xuất"
