import { createApp } from 'vue';
import {
  Alert, Badge, Button, Card, Col, ConfigProvider, Empty, Form, Input, Radio, Row, Select, Space, Spin, Table, Tabs,
  Tag, Tooltip,
} from 'ant-design-vue';
import 'ant-design-vue/dist/reset.css';
import './page.css';
import App from './App.vue';

const app = createApp(App);
for (const c of [Alert, Badge, Button, Card, Col, ConfigProvider, Empty, Form, Input, Radio, Row, Select, Space, Spin,
  Table, Tabs, Tag, Tooltip]) {
  app.use(c);
}
app.mount('#app');
